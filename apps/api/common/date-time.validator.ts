import { isISO8601, registerDecorator, type ValidationOptions } from 'class-validator';

/** PostgreSQL's timestamptz takes UTC offsets up to 15:59 either way; JavaScript's Date takes any two digits. */
const MAX_OFFSET_MINUTES = 15 * 60 + 59;

/** A date-time both JavaScript and PostgreSQL read as the same instant: strict ISO 8601 (no 30 February), a sane offset. */
export function isStorableDateTime(value: unknown): boolean {
  if (typeof value !== 'string' || !isISO8601(value, { strict: true }) || !Number.isFinite(Date.parse(value))) return false;
  const offset = /T.*([+-])(\d{2}):?(\d{2})$/.exec(value);
  return !offset || Number(offset[2]) * 60 + Number(offset[3]) <= MAX_OFFSET_MINUTES;
}

/** ISO 8601 date-time that PostgreSQL can compare and store (replaces class-validator's IsISO8601 on request fields). */
export function IsDateTime(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isDateTime',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property must be an ISO 8601 date-time (UTC offset at most ±15:59)`, ...options },
      validator: { validate: (value: unknown) => isStorableDateTime(value) },
    });
}
