import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { useMe } from '../auth/session';
import { FieldError, FormError } from '../common/forms';
import { canManageAccount, normalFailure, ReadOnlyNote, SaveActions, useScrollToError } from './shared';
import { formatInZone, newKey, timeZones, windowDraft, WindowsEditor, windowFields, type WindowDraft } from './sla/windows';

type Calendar = Schemas['BusinessCalendarDto'];
type CalendarBody = Schemas['BusinessCalendarBody'];
type Preview = Schemas['BusinessCalendarPreviewDto'];

/** 0 = Sunday … 6 = Saturday, as the API counts; shown Monday first. */
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const DISPLAY_ORDER = [1, 2, 3, 4, 5, 6, 0];

interface HolidayDraft {
  key: number;
  date: string;
  name: string;
  closed: boolean;
  windows: WindowDraft[];
}

interface Draft {
  name: string;
  timeZone: string;
  /** Indexed by day, 0 = Sunday. */
  days: WindowDraft[][];
  holidays: HolidayDraft[];
}

const browserTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const toWindows = (windows: WindowDraft[]) => windows.map(({ opens, closes }) => ({ opens: opens.trim(), closes: closes.trim() }));
const fromWindows = (windows: { opens: string; closes: string }[]) => windows.map((entry) => windowDraft(entry.opens, entry.closes));

function draftOf(calendar: Calendar | null): Draft {
  if (!calendar) {
    return {
      name: '',
      timeZone: browserTimeZone,
      days: DAYS.map((_, day) => (day >= 1 && day <= 5 ? [windowDraft()] : [])),
      holidays: [],
    };
  }
  return {
    name: calendar.name,
    timeZone: calendar.timeZone,
    days: DAYS.map((_, day) => fromWindows(calendar.weekly.find((entry) => entry.day === day)?.windows ?? [])),
    holidays: calendar.holidays.map((holiday) => ({
      key: newKey(),
      date: holiday.date,
      name: holiday.name ?? '',
      closed: holiday.closed === true,
      windows: holiday.windows ? fromWindows(holiday.windows) : [windowDraft()],
    })),
  };
}

/** What the form sends: the open days in day order (a closed day is left out), the holidays in the form's order. */
function bodyOf(draft: Draft): CalendarBody {
  return {
    name: draft.name.trim(),
    timeZone: draft.timeZone,
    weekly: draft.days.flatMap((windows, day) => (windows.length > 0 ? [{ day, windows: toWindows(windows) }] : [])),
    holidays: draft.holidays.map((holiday) => {
      const name = holiday.name.trim() ? { name: holiday.name.trim() } : {};
      return holiday.closed ? { date: holiday.date, ...name, closed: true as const } : { date: holiday.date, ...name, windows: toWindows(holiday.windows) };
    }),
  };
}

function weeklySummary(calendar: Calendar): string {
  const open = DISPLAY_ORDER.flatMap((day) => {
    const windows = calendar.weekly.find((entry) => entry.day === day)?.windows ?? [];
    return windows.length === 0 ? [] : [`${DAYS[day]!.slice(0, 3)} ${windows.map((window) => `${window.opens}–${window.closes}`).join(', ')}`];
  });
  return open.length === 0 ? 'Never open' : open.join('; ');
}

/** Business hours: the account's calendars, one editor at a time, and a deadline check on a saved calendar. */
export function CalendarsSettings() {
  const me = useMe();
  const editable = canManageAccount(me.user.role);
  const calendars = useQuery({ queryKey: ['settings', 'business-calendars'], queryFn: () => unwrap(api.GET('/business-calendars')) });
  /** The calendar being edited: an id, 'new', or null for none. */
  const [selected, setSelected] = useState<string | null>(null);
  const [editorKey, setEditorKey] = useState(0);
  const open = (id: string | null) => {
    setSelected(id);
    setEditorKey((key) => key + 1);
  };
  const list = calendars.data?.calendars ?? [];
  const current = selected && selected !== 'new' ? list.find((calendar) => calendar.id === selected) : undefined;

  return (
    <div className="settings-stack service-levels">
      {!editable && <ReadOnlyNote what="the business-hours calendars" />}
      <section className="card" aria-labelledby="calendars-title">
        <div className="list-header">
          <h2 id="calendars-title">Business-hours calendars</h2>
          {editable && (
            <button type="button" className="primary" onClick={() => open('new')}>
              New calendar
            </button>
          )}
        </div>
        <p className="muted">SLA targets are counted in a calendar&apos;s open hours, or around the clock.</p>
        {calendars.isPending && <p className="loading">Loading…</p>}
        {calendars.isError && <p className="error">{describeFailure(calendars.error)}</p>}
        {calendars.data && list.length === 0 && <p className="muted">No calendars yet.</p>}
        {list.length > 0 && (
          <table className="report calendars">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Time zone</th>
                <th scope="col">Weekly hours</th>
                <th scope="col">Holidays</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((calendar) => (
                <CalendarRow key={calendar.id} calendar={calendar} editable={editable} onOpen={() => open(calendar.id)} onDeleted={() => selected === calendar.id && setSelected(null)} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      {(selected === 'new' || current) && (
        <CalendarEditor key={editorKey} calendar={current ?? null} editable={editable} onSaved={(saved) => setSelected(saved.id)} onClose={() => setSelected(null)} />
      )}
      {current && <DeadlinePreview key={current.id} calendar={current} />}
    </div>
  );
}

function CalendarRow({ calendar, editable, onOpen, onDeleted }: { calendar: Calendar; editable: boolean; onOpen: () => void; onDeleted: () => void }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/business-calendars/{calendarId}', { params: { path: { calendarId: calendar.id } } })),
    onSuccess: async () => {
      setConfirming(false);
      onDeleted();
      await queryClient.invalidateQueries({ queryKey: ['settings', 'business-calendars'] });
    },
  });
  return (
    <tr>
      <th scope="row">{calendar.name}</th>
      <td>{calendar.timeZone}</td>
      <td>{weeklySummary(calendar)}</td>
      <td className="num">{calendar.holidays.length}</td>
      <td>
        <button type="button" onClick={onOpen}>
          {editable ? `Edit ${calendar.name}` : `Open ${calendar.name}`}
        </button>{' '}
        {editable && !confirming && (
          <button type="button" onClick={() => setConfirming(true)}>
            {`Delete ${calendar.name}`}
          </button>
        )}
        {confirming && (
          <div className="confirm" role="group" aria-label={`Confirm deleting ${calendar.name}`}>
            <span>Delete {calendar.name}? Policies that count in it keep its id and must be changed.</span>
            <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
              Yes, delete
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        )}
        {remove.isError && (
          <span className="field-error" role="alert">
            {describeFailure(remove.error)}
          </span>
        )}
      </td>
    </tr>
  );
}

function CalendarEditor({ calendar, editable, onSaved, onClose }: { calendar: Calendar | null; editable: boolean; onSaved: (saved: Calendar) => void; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftOf(calendar));
  const [savedId, setSavedId] = useState<string | null>(calendar?.id ?? null);
  /** The holiday rows (by key) in the order last sent, so `holidays[i]` errors find their row. */
  const sentHolidayKeys = useRef<number[]>([]);
  const save = useMutation({
    mutationFn: (body: CalendarBody) =>
      savedId
        ? unwrap(api.PUT('/business-calendars/{calendarId}', { params: { path: { calendarId: savedId } }, body }))
        : unwrap(api.POST('/business-calendars', { body })),
    onSuccess: (saved) => {
      setSavedId(saved.id);
      queryClient.setQueryData<Schemas['BusinessCalendarListDto']>(['settings', 'business-calendars'], (list) =>
        list ? { calendars: [...list.calendars.filter((entry) => entry.id !== saved.id), saved].sort((a, b) => a.name.localeCompare(b.name)) } : list,
      );
      void queryClient.invalidateQueries({ queryKey: ['settings', 'business-calendars'] });
      onSaved(saved);
    },
  });
  const error = normalFailure(save.error);
  const formRef = useScrollToError(save.error);
  const zones = useMemo(() => timeZones(draft.timeZone), [draft.timeZone]);
  const edit = (changes: Partial<Draft>) => {
    if (save.isSuccess) save.reset();
    setDraft((value) => ({ ...value, ...changes }));
  };
  const editDay = (day: number, windows: WindowDraft[]) => edit({ days: draft.days.map((entry, index) => (index === day ? windows : entry)) });
  const editHoliday = (key: number, changes: Partial<HolidayDraft>) => edit({ holidays: draft.holidays.map((entry) => (entry.key === key ? { ...entry, ...changes } : entry)) });

  const sentWeekly = save.variables?.weekly ?? [];
  const dayField = (day: number) => {
    const index = sentWeekly.findIndex((entry) => entry.day === day);
    return index < 0 ? null : `weekly[${index}]`;
  };
  const holidayField = (key: number) => {
    const index = sentHolidayKeys.current.indexOf(key);
    return index < 0 ? null : `holidays[${index}]`;
  };
  const shown = [
    'name',
    'timeZone',
    'weekly',
    'holidays',
    ...DAYS.flatMap((_, day) => {
      const field = dayField(day);
      return field ? [field, `${field}.day`, ...windowFields(`${field}.windows`, draft.days[day]!.length)] : [];
    }),
    ...draft.holidays.flatMap((holiday) => {
      const field = holidayField(holiday.key);
      return field ? [field, `${field}.date`, `${field}.name`, `${field}.closed`, ...windowFields(`${field}.windows`, holiday.windows.length)] : [];
    }),
  ];
  const title = calendar ? (editable ? `Edit ${calendar.name}` : calendar.name) : 'New calendar';

  return (
    <form
      className="card settings-form"
      aria-label="Calendar"
      ref={formRef}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        sentHolidayKeys.current = draft.holidays.map((holiday) => holiday.key);
        save.mutate(bodyOf(draft));
      }}
    >
      <h2>{title}</h2>
      <fieldset className="plain" disabled={!editable}>
        <label>
          Name
          <input value={draft.name} maxLength={100} onChange={(event) => edit({ name: event.target.value })} />
          <FieldError error={error} field="name" />
        </label>
        <label>
          Time zone
          <select value={draft.timeZone} onChange={(event) => edit({ timeZone: event.target.value })}>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
          <FieldError error={error} field="timeZone" />
        </label>
        <fieldset className="weekly">
          <legend>Weekly hours</legend>
          <FieldError error={error} field="weekly" />
          <table className="hours calendar-hours">
            <tbody>
              {DISPLAY_ORDER.map((day) => {
                const field = dayField(day);
                return (
                  <tr key={day}>
                    <th scope="row">{DAYS[day]}</th>
                    <td>
                      <WindowsEditor label={DAYS[day]!} windows={draft.days[day]!} onChange={(windows) => editDay(day, windows)} error={error} field={field && `${field}.windows`} disabled={!editable} />
                      {field && <FieldError error={error} field={field} />}
                      {field && <FieldError error={error} field={`${field}.day`} />}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="muted hint">Times in HH:MM. A window never runs past midnight: a night shift is 22:00–24:00 and 00:00–06:00 the next day.</p>
        </fieldset>
        <fieldset className="exceptions">
          <legend>Holidays and special hours</legend>
          <FieldError error={error} field="holidays" />
          {draft.holidays.length === 0 && <p className="muted">No holidays or special hours.</p>}
          {draft.holidays.map((holiday, index) => {
            const field = holidayField(holiday.key);
            const label = `Holiday ${index + 1}`;
            return (
              <div className="exception-row holiday-row" key={holiday.key} role="group" aria-label={label}>
                <label>
                  {`${label} date`}
                  <input type="date" value={holiday.date} onChange={(event) => editHoliday(holiday.key, { date: event.target.value })} />
                  {field && <FieldError error={error} field={`${field}.date`} />}
                </label>
                <label>
                  {`${label} name`}
                  <input value={holiday.name} placeholder="Optional" onChange={(event) => editHoliday(holiday.key, { name: event.target.value })} />
                  {field && <FieldError error={error} field={`${field}.name`} />}
                </label>
                <label>
                  {`${label} hours`}
                  <select value={holiday.closed ? 'closed' : 'special'} onChange={(event) => editHoliday(holiday.key, { closed: event.target.value === 'closed' })}>
                    <option value="closed">Closed all day</option>
                    <option value="special">Special hours</option>
                  </select>
                </label>
                {!holiday.closed && (
                  <WindowsEditor label={label} windows={holiday.windows} onChange={(windows) => editHoliday(holiday.key, { windows })} error={error} field={field && `${field}.windows`} disabled={!editable} />
                )}
                {editable && (
                  <button type="button" onClick={() => edit({ holidays: draft.holidays.filter((entry) => entry.key !== holiday.key) })}>
                    {`Remove holiday ${index + 1}`}
                  </button>
                )}
                {field && <FieldError error={error} field={field} />}
                {field && <FieldError error={error} field={`${field}.closed`} />}
              </div>
            );
          })}
          {editable && (
            <button type="button" className="add-row" onClick={() => edit({ holidays: [...draft.holidays, { key: newKey(), date: '', name: '', closed: true, windows: [windowDraft()] }] })}>
              Add holiday or special hours
            </button>
          )}
        </fieldset>
      </fieldset>
      <FormError error={error} fields={shown} />
      <SaveActions saving={save.isPending} saved={save.isSuccess} canSave={editable} label={savedId ? 'Save calendar' : 'Create calendar'}>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </SaveActions>
    </form>
  );
}

/** "2026-12-04T17:55" for a datetime-local input, on the agent's own clocks. */
function localInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function DeadlinePreview({ calendar }: { calendar: Calendar }) {
  const [from, setFrom] = useState(() => localInputValue(new Date()));
  const [duration, setDuration] = useState('60');
  const [warn, setWarn] = useState('80');
  const preview = useMutation({
    mutationFn: (query: { from?: string; durationMinutes: number; warnAtPercent?: number }) =>
      unwrap(api.GET('/business-calendars/{calendarId}/preview', { params: { path: { calendarId: calendar.id }, query } })),
  });
  const error = normalFailure(preview.error);
  const numberOrRaw = (value: string) => (value.trim() === '' || Number.isNaN(Number(value)) ? (value as unknown as number) : Number(value));
  return (
    <form
      className="card settings-form"
      aria-label="Check a deadline"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const start = from ? new Date(from) : null;
        preview.mutate({
          ...(start && !Number.isNaN(start.getTime()) ? { from: start.toISOString() } : {}),
          durationMinutes: numberOrRaw(duration),
          ...(warn.trim() === '' ? {} : { warnAtPercent: numberOrRaw(warn) }),
        });
      }}
    >
      <h2>Check a deadline</h2>
      <p className="muted">When a target started at this time would fall due in {calendar.name}, counted as the SLA clock counts it.</p>
      <div className="preview-inputs">
        <label>
          Starts at (your time, {browserTimeZone})
          <input type="datetime-local" value={from} onChange={(event) => setFrom(event.target.value)} />
          <FieldError error={error} field="from" />
        </label>
        <label>
          Target (minutes)
          <input type="number" min={0} step={1} value={duration} onChange={(event) => setDuration(event.target.value)} />
          <FieldError error={error} field="durationMinutes" />
        </label>
        <label>
          Warn at (%)
          <input type="number" min={1} max={99} step={1} value={warn} onChange={(event) => setWarn(event.target.value)} />
          <FieldError error={error} field="warnAtPercent" />
        </label>
      </div>
      <FormError error={error} fields={['from', 'durationMinutes', 'warnAtPercent']} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={preview.isPending}>
          {preview.isPending ? 'Checking…' : 'Check'}
        </button>
      </div>
      {preview.data && <PreviewResult preview={preview.data} />}
    </form>
  );
}

function PreviewResult({ preview }: { preview: Preview }) {
  const zone = preview.timeZone;
  const at = (iso: string | null) => (iso ? `${formatInZone(iso, zone)} (${zone})` : 'Never: the open time does not fit within three years');
  return (
    <dl className="preview-result" aria-label="Deadline">
      <div>
        <dt>Starts</dt>
        <dd>
          {at(preview.from)}
          {preview.openAtFrom ? '' : ', outside hours'}
        </dd>
      </div>
      <div>
        <dt>Clock starts</dt>
        <dd>{at(preview.startsAt)}</dd>
      </div>
      <div>
        <dt>Due</dt>
        <dd data-testid="preview-due">{at(preview.dueAt)}</dd>
      </div>
      {preview.warnAtPercent !== null && (
        <div>
          <dt>Warns at {preview.warnAtPercent} %</dt>
          <dd data-testid="preview-warns">{at(preview.warnsAt)}</dd>
        </div>
      )}
      {preview.clockMinutesBetween !== null && (
        <div>
          <dt>Clock time</dt>
          <dd>
            {Math.floor(preview.clockMinutesBetween / 60)} h {preview.clockMinutesBetween % 60} min for {preview.durationMinutes} min of open time
          </dd>
        </div>
      )}
    </dl>
  );
}
