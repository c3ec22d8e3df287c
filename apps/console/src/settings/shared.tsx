import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiFailure } from '../api/client';
import { FieldError, Saved } from '../common/forms';

/** Owners and admins change the account's settings and its team: the API's own rule. */
export { canManageAccount } from '../../../../libs/domain/access';

/**
 * The API names a field inside a list two ways: class-validator's `officeHours.weekly.0.opens` and the domain
 * checks' `officeHours.weekly[0].opens`. The forms use the bracket form; this rewrites the first into it.
 */
export function normalField(field: string): string {
  return field.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

export function normalFailure(error: unknown): unknown {
  if (error instanceof ApiFailure && error.field) {
    const field = normalField(error.field);
    if (field !== error.field) return new ApiFailure(error.status, error.code, error.message, field);
  }
  return error;
}

/** A field error for a list: the list as a whole (`supportAddresses`) or one of its rows (`supportAddresses[2]`). */
export function ListFieldError({ error, field, count }: { error: unknown; field: string; count: number }) {
  return (
    <>
      <FieldError error={error} field={field} />
      {Array.from({ length: count }, (_, index) => (
        <FieldError key={index} error={error} field={`${field}[${index}]`} />
      ))}
    </>
  );
}

/** The fields a list error may name, for FormError's list of fields shown next to their input. */
export function listFields(field: string, count: number): string[] {
  return [field, ...Array.from({ length: count }, (_, index) => `${field}[${index}]`)];
}

/**
 * An editable list of strings: one input per row, a Remove button per row and an Add button. `label` names the
 * list ("Support addresses"); each row is labelled "<itemLabel> 1", "<itemLabel> 2", …
 */
export function ListEditor({
  label,
  itemLabel,
  values,
  onChange,
  type = 'text',
  placeholder,
  addLabel,
  disabled,
}: {
  label: string;
  itemLabel: string;
  values: string[];
  onChange: (values: string[]) => void;
  type?: 'text' | 'email';
  placeholder?: string;
  addLabel: string;
  disabled?: boolean;
}) {
  return (
    <fieldset className="list-editor" disabled={disabled}>
      <legend>{label}</legend>
      {values.length === 0 && <p className="muted">None yet.</p>}
      {values.map((value, index) => (
        <div className="list-row" key={index}>
          <input
            type={type}
            aria-label={`${itemLabel} ${index + 1}`}
            value={value}
            placeholder={placeholder}
            onChange={(event) => onChange(values.map((entry, at) => (at === index ? event.target.value : entry)))}
          />
          <button type="button" aria-label={`Remove ${itemLabel.toLowerCase()} ${index + 1}`} onClick={() => onChange(values.filter((_, at) => at !== index))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" className="add-row" onClick={() => onChange([...values, ''])}>
        {addLabel}
      </button>
    </fieldset>
  );
}

/** Trimmed, without empty rows: what a list editor sends. */
export function cleanList(values: string[]): string[] {
  return values.map((value) => value.trim()).filter((value) => value !== '');
}

/** A read-only value to copy: selectable in its input, and a Copy button that says when it worked. */
export function CopyField({ label, value, multiline }: { label: string; value: string; multiline?: boolean }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopied(null), 3000);
  };
  return (
    <div className="copy-field">
      <label>
        {label}
        {multiline ? (
          <textarea readOnly value={value} rows={3} className="mono" onFocus={(event) => event.target.select()} />
        ) : (
          <input readOnly value={value} className="mono" onFocus={(event) => event.target.select()} />
        )}
      </label>
      <button type="button" onClick={() => void copy()} aria-label={`Copy ${label.toLowerCase()}`}>
        Copy
      </button>
      {copied === 'yes' && (
        <span role="status" className="saved">
          Copied
        </span>
      )}
      {copied === 'failed' && (
        <span role="status" className="error">
          Copying is not allowed here: select the text and copy it yourself.
        </span>
      )}
    </div>
  );
}

export function ReadOnlyNote({ what }: { what: string }) {
  return <p className="muted read-only-note">Only owners and admins can change {what}. You see them read-only.</p>;
}

/** After a failed save, brings the first error of the form into view (a long form's field may be off-screen). */
export function useScrollToError(error: unknown) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!error) return;
    const alert = ref.current?.querySelector<HTMLElement>('[role="alert"]');
    alert?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [error]);
  return ref;
}

/**
 * One settings form: the stored settings (a query), the agent's draft over them, and the save (a mutation whose
 * answer becomes the stored settings and ends the draft). A failed save keeps the draft; editing again clears "Saved".
 */
export function useSettingsForm<Settings, Draft, Body>(options: {
  queryKey: QueryKey;
  load: () => Promise<Settings>;
  save: (body: Body) => Promise<Settings>;
  draftOf: (settings: Settings) => Draft;
}) {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: options.queryKey, queryFn: options.load });
  const [draft, setDraft] = useState<Draft | null>(null);
  const save = useMutation({
    mutationFn: options.save,
    onSuccess: (saved) => {
      queryClient.setQueryData(options.queryKey, saved);
      setDraft(null);
    },
  });
  const formRef = useScrollToError(save.error);
  const { draftOf } = options;
  const stored = useMemo(() => (settings.data === undefined ? undefined : draftOf(settings.data)), [settings.data, draftOf]);
  const value = draft ?? stored;
  const edit = (changes: Partial<Draft>) => {
    if (save.isSuccess) save.reset();
    if (value !== undefined) setDraft({ ...value, ...changes });
  };
  return { settings, save, value, edit, error: normalFailure(save.error), formRef };
}

/**
 * The save button of a settings form (left out for those who may only read it), any further buttons, and "Saved"
 * once the API has stored it.
 */
export function SaveActions({
  saving,
  saved,
  label = 'Save',
  busyLabel = 'Saving…',
  canSave = true,
  children,
}: {
  saving: boolean;
  saved: boolean;
  label?: string;
  busyLabel?: string;
  canSave?: boolean;
  children?: ReactNode;
}) {
  return (
    <div className="form-actions">
      {canSave && (
        <button type="submit" className="primary" disabled={saving}>
          {saving ? busyLabel : label}
        </button>
      )}
      {children}
      <Saved when={saved} />
    </div>
  );
}
