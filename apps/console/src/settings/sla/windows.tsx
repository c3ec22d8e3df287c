import { FieldError } from '../../common/forms';

export interface WindowDraft {
  key: number;
  opens: string;
  closes: string;
}

let nextKey = 1;
export const newKey = () => nextKey++;

export const windowDraft = (opens = '09:00', closes = '18:00'): WindowDraft => ({ key: newKey(), opens, closes });

/**
 * The windows of one day (or one holiday): any number of `{opens, closes}` rows, each with Remove, an Add button
 * and a "24 hours" shortcut (00:00–24:00). `label` prefixes every input ("Monday window 1 opens"); `field` is the
 * API's path of this list as last sent (`weekly[0].windows`), null when it was not sent.
 */
export function WindowsEditor({
  label,
  windows,
  onChange,
  error,
  field,
  disabled,
}: {
  label: string;
  windows: WindowDraft[];
  onChange: (windows: WindowDraft[]) => void;
  error: unknown;
  field: string | null;
  disabled?: boolean;
}) {
  const editWindow = (key: number, changes: Partial<WindowDraft>) => onChange(windows.map((entry) => (entry.key === key ? { ...entry, ...changes } : entry)));
  const whole = windows.length === 1 && windows[0]!.opens === '00:00' && windows[0]!.closes === '24:00';
  return (
    <div className="windows">
      {windows.length === 0 && <span className="muted">Closed</span>}
      {windows.map((window, index) => {
        const name = `${label} window ${index + 1}`;
        const at = field === null ? null : `${field}[${index}]`;
        return (
          <div className="window-row" key={window.key} role="group" aria-label={name}>
            <input type="text" inputMode="numeric" pattern="[0-2][0-9]:[0-5][0-9]" placeholder="HH:MM" className="time" aria-label={`${name} opens`} value={window.opens} disabled={disabled} onChange={(event) => editWindow(window.key, { opens: event.target.value })} />
            <span aria-hidden="true">–</span>
            <input type="text" inputMode="numeric" pattern="[0-2][0-9]:[0-5][0-9]" placeholder="HH:MM" className="time" aria-label={`${name} closes`} value={window.closes} disabled={disabled} onChange={(event) => editWindow(window.key, { closes: event.target.value })} />
            {!disabled && (
              <button type="button" aria-label={`Remove ${name.toLowerCase()}`} onClick={() => onChange(windows.filter((entry) => entry.key !== window.key))}>
                Remove
              </button>
            )}
            {at && (
              <>
                <FieldError error={error} field={at} />
                <FieldError error={error} field={`${at}.opens`} />
                <FieldError error={error} field={`${at}.closes`} />
              </>
            )}
          </div>
        );
      })}
      {field && <FieldError error={error} field={field} />}
      {!disabled && (
        <div className="window-actions">
          <button type="button" className="add-row" aria-label={`Add ${label} window`} onClick={() => onChange([...windows, windows.length === 0 ? windowDraft() : windowDraft('', '')])}>
            Add window
          </button>
          <button type="button" aria-label={`${label} 24 hours`} aria-pressed={whole} onClick={() => onChange([windowDraft('00:00', '24:00')])}>
            24 hours
          </button>
          {windows.length > 0 && (
            <button type="button" aria-label={`${label} closed`} onClick={() => onChange([])}>
              Closed
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** Every field path of a windows list as sent, for FormError's list of fields shown next to their input. */
export function windowFields(field: string | null, count: number): string[] {
  if (field === null) return [];
  return [field, ...Array.from({ length: count }, (_, index) => [`${field}[${index}]`, `${field}[${index}].opens`, `${field}[${index}].closes`]).flat()];
}

export function timeZones(current: string): string[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  return [...new Set([...zones, 'UTC', current])].sort();
}

/** An instant shown on a zone's clocks: "Monday 7 December 2026, 09:55". */
export function formatInZone(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}
