import { ApiFailure, describeFailure } from '../api/client';

/** The API names the field at fault (`field`); the form shows the message next to that field. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiFailure && error.field === field ? error.message : undefined;
}

export function FieldError({ error, field, id }: { error: unknown; field: string; id?: string }) {
  const message = fieldError(error, field);
  if (!message) return null;
  return (
    <span className="field-error" role="alert" id={id}>
      {message}
    </span>
  );
}

/** A failure not tied to one field (or to a field the form does not show), above the save button. */
export function FormError({ error, fields }: { error: unknown; fields: string[] }) {
  if (!error) return null;
  if (error instanceof ApiFailure && error.field && fields.includes(error.field)) return null;
  return (
    <p className="error" role="alert">
      {describeFailure(error)}
    </p>
  );
}

export function Saved({ when }: { when: boolean }) {
  return when ? (
    <span role="status" className="saved">
      Saved
    </span>
  ) : null;
}
