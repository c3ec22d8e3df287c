import { useQuery } from '@tanstack/react-query';
import { useMemo, useRef } from 'react';
import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { useMe } from '../auth/session';
import { FieldError, FormError } from '../common/forms';
import { canManageAccount, CopyField, ReadOnlyNote, SaveActions, useSettingsForm } from './shared';

type WebChatSettingsDto = Schemas['WebChatSettingsDto'];
type WebChatSettingsPatch = Schemas['WebChatSettingsPatch'];
type OfficeHoursDto = Schemas['OfficeHoursDto'];

/** 0 = Sunday … 6 = Saturday, as the API counts; shown Monday first. */
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const DISPLAY_ORDER = [1, 2, 3, 4, 5, 6, 0];

interface DayDraft {
  open: boolean;
  opens: string;
  closes: string;
}

interface ExceptionDraft {
  key: number;
  date: string;
  closed: boolean;
  opens: string;
  closes: string;
}

interface Draft {
  /** A business-hours calendar that gives the office hours instead of the ones below ('' = none). */
  officeHoursCalendarId: string;
  useOfficeHours: boolean;
  timeZone: string;
  days: DayDraft[];
  exceptions: ExceptionDraft[];
  onlineAutoResponse: string;
  offlineAutoResponse: string;
  followUpFromAddress: string;
  visitorTokenTtlHours: string;
}

let nextKey = 1;

const browserTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

function draftOf(settings: WebChatSettingsDto): Draft {
  const hours = settings.officeHours;
  const days = DAYS.map((_, day): DayDraft => {
    const window = hours?.weekly.find((entry) => entry.day === day);
    return window ? { open: true, opens: window.opens, closes: window.closes } : { open: false, opens: '09:00', closes: '17:00' };
  });
  return {
    officeHoursCalendarId: settings.officeHoursCalendarId ?? '',
    useOfficeHours: hours !== null,
    timeZone: hours?.timeZone ?? browserTimeZone,
    days: hours ? days : days.map((day, index) => (index >= 1 && index <= 5 ? { ...day, open: true } : day)),
    exceptions: (hours?.exceptions ?? []).map((exception) => ({
      key: nextKey++,
      date: exception.date,
      closed: exception.closed === true,
      opens: exception.opens ?? '09:00',
      closes: exception.closes ?? '17:00',
    })),
    onlineAutoResponse: settings.onlineAutoResponse ?? '',
    offlineAutoResponse: settings.offlineAutoResponse ?? '',
    followUpFromAddress: settings.followUpFromAddress ?? '',
    visitorTokenTtlHours: String(settings.visitorTokenTtlHours),
  };
}

function officeHoursOf(draft: Draft): OfficeHoursDto | null {
  if (!draft.useOfficeHours) return null;
  return {
    timeZone: draft.timeZone,
    weekly: draft.days.flatMap((day, index) => (day.open ? [{ day: index, opens: day.opens, closes: day.closes }] : [])),
    exceptions: draft.exceptions.map((exception) =>
      exception.closed ? { date: exception.date, closed: true as const } : { date: exception.date, opens: exception.opens, closes: exception.closes },
    ),
  };
}

function timeZones(current: string): string[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const all = new Set([...zones, 'UTC', current]);
  return [...all].sort();
}

/** Web chat: office hours (time zone, weekly hours, holidays), auto-responses, follow-up address and the widget snippet. */
export function WebChatSettings() {
  const me = useMe();
  const editable = canManageAccount(me.user.role);
  /** The exception rows (by key) in the order last sent, so `officeHours.exceptions[i]` errors find their row. */
  const sentExceptionKeys = useRef<number[]>([]);
  const { settings, save, value, edit, error, formRef } = useSettingsForm({
    queryKey: ['settings', 'web-chat'],
    load: () => unwrap(api.GET('/settings/web-chat')),
    save: (body: WebChatSettingsPatch) => unwrap(api.PATCH('/settings/web-chat', { body })),
    draftOf,
  });
  const zones = useMemo(() => timeZones(value?.timeZone ?? browserTimeZone), [value?.timeZone]);
  const calendars = useQuery({ queryKey: ['settings', 'business-calendars'], queryFn: () => unwrap(api.GET('/business-calendars')) });
  if (settings.isPending) return <p className="loading">Loading…</p>;
  if (settings.isError || !value) return <p className="error">{describeFailure(settings.error)}</p>;
  const editDay = (day: number, changes: Partial<DayDraft>) => edit({ days: value.days.map((entry, index) => (index === day ? { ...entry, ...changes } : entry)) });
  const editException = (key: number, changes: Partial<ExceptionDraft>) =>
    edit({ exceptions: value.exceptions.map((entry) => (entry.key === key ? { ...entry, ...changes } : entry)) });

  // Which index of the last sent weekly list / exceptions list each row had: errors name that index.
  const sentWeekly = save.variables?.officeHours?.weekly ?? [];
  const weeklyField = (day: number) => {
    const index = sentWeekly.findIndex((entry) => entry.day === day);
    return index < 0 ? null : `officeHours.weekly[${index}]`;
  };
  const exceptionField = (key: number) => {
    const index = sentExceptionKeys.current.indexOf(key);
    return index < 0 ? null : `officeHours.exceptions[${index}]`;
  };
  const rowFields = (prefix: string | null, parts: string[]) => (prefix ? [prefix, ...parts.map((part) => `${prefix}.${part}`)] : []);
  const shown = [
    'officeHours',
    'officeHours.timeZone',
    'officeHours.weekly',
    'officeHours.exceptions',
    ...DAYS.flatMap((_, day) => rowFields(weeklyField(day), ['day', 'opens', 'closes'])),
    ...value.exceptions.flatMap((exception) => rowFields(exceptionField(exception.key), ['date', 'closed', 'opens', 'closes'])),
    'officeHoursCalendarId',
    'onlineAutoResponse',
    'offlineAutoResponse',
    'followUpFromAddress',
    'visitorTokenTtlHours',
  ];
  const snippet = `<script src="${window.location.origin}/chat/widget.js" data-account="${me.account.id}" async></script>`;

  return (
    <div className="settings-stack">
      <form
        className="card settings-form"
        aria-label="Web chat settings"
      ref={formRef}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          sentExceptionKeys.current = value.useOfficeHours ? value.exceptions.map((exception) => exception.key) : [];
          const ttl = Number(value.visitorTokenTtlHours);
          save.mutate({
            officeHoursCalendarId: value.officeHoursCalendarId || null,
            officeHours: officeHoursOf(value),
            onlineAutoResponse: value.onlineAutoResponse.trim() || null,
            offlineAutoResponse: value.offlineAutoResponse.trim() || null,
            followUpFromAddress: value.followUpFromAddress.trim() || null,
            visitorTokenTtlHours: value.visitorTokenTtlHours.trim() === '' || Number.isNaN(ttl) ? (value.visitorTokenTtlHours as unknown as number) : ttl,
          });
        }}
      >
        {!editable && <ReadOnlyNote what="the web chat settings" />}
        <fieldset className="plain" disabled={!editable}>
          <h2>Office hours</h2>
          <label>
            Business-hours calendar
            <select value={value.officeHoursCalendarId} onChange={(event) => edit({ officeHoursCalendarId: event.target.value })}>
              <option value="">None: the hours below</option>
              {(calendars.data?.calendars ?? []).map((calendar) => (
                <option key={calendar.id} value={calendar.id}>
                  {calendar.name} ({calendar.timeZone})
                </option>
              ))}
            </select>
            <FieldError error={error} field="officeHoursCalendarId" />
          </label>
          {value.officeHoursCalendarId && <p className="muted">The chat follows the calendar&apos;s hours and holidays (Settings → Business hours); the hours below apply when no calendar is chosen.</p>}
          <label className="chip">
            <input type="checkbox" checked={value.useOfficeHours} onChange={(event) => edit({ useOfficeHours: event.target.checked })} />
            Use office hours (otherwise the team always counts as online)
          </label>
          <FieldError error={error} field="officeHours" />
          {value.useOfficeHours && (
            <>
              <label>
                Time zone
                <select value={value.timeZone} onChange={(event) => edit({ timeZone: event.target.value })}>
                  {zones.map((zone) => (
                    <option key={zone} value={zone}>
                      {zone}
                    </option>
                  ))}
                </select>
                <FieldError error={error} field="officeHours.timeZone" />
              </label>
              <fieldset className="weekly">
                <legend>Weekly hours</legend>
                <FieldError error={error} field="officeHours.weekly" />
                <table className="hours">
                  <thead>
                    <tr>
                      <th scope="col">Day</th>
                      <th scope="col">Open</th>
                      <th scope="col">Opens</th>
                      <th scope="col">Closes</th>
                    </tr>
                  </thead>
                  <tbody>
                    {DISPLAY_ORDER.map((day) => {
                      const entry = value.days[day]!;
                      const name = DAYS[day];
                      const field = weeklyField(day);
                      return (
                        <tr key={day}>
                          <th scope="row">{name}</th>
                          <td>
                            <label className="chip">
                              <input type="checkbox" aria-label={`Open on ${name}`} checked={entry.open} onChange={(event) => editDay(day, { open: event.target.checked })} />
                              <span aria-hidden="true">{entry.open ? 'Open' : 'Closed'}</span>
                            </label>
                          </td>
                          <td>
                            <input type="time" aria-label={`${name} opens`} value={entry.opens} disabled={!entry.open} onChange={(event) => editDay(day, { opens: event.target.value })} />
                            {field && <FieldError error={error} field={`${field}.opens`} />}
                          </td>
                          <td>
                            <input type="time" aria-label={`${name} closes`} value={entry.closes} disabled={!entry.open} onChange={(event) => editDay(day, { closes: event.target.value })} />
                            {field && <FieldError error={error} field={`${field}.closes`} />}
                            {field && <FieldError error={error} field={field} />}
                            {field && <FieldError error={error} field={`${field}.day`} />}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                <p className="muted hint">A day closes at 24:00 at the latest; a closing time before the opening time runs past midnight.</p>
              </fieldset>
              <fieldset className="exceptions">
                <legend>Holidays and special hours</legend>
                <FieldError error={error} field="officeHours.exceptions" />
                {value.exceptions.length === 0 && <p className="muted">No holidays or special hours.</p>}
                {value.exceptions.map((exception, index) => {
                  const field = exceptionField(exception.key);
                  const label = `Exception ${index + 1}`;
                  return (
                    <div className="exception-row" key={exception.key} role="group" aria-label={label}>
                      <label>
                        {`${label} date`}
                        <input type="date" value={exception.date} onChange={(event) => editException(exception.key, { date: event.target.value })} />
                        {field && <FieldError error={error} field={`${field}.date`} />}
                      </label>
                      <label>
                        {`${label} hours`}
                        <select value={exception.closed ? 'closed' : 'special'} onChange={(event) => editException(exception.key, { closed: event.target.value === 'closed' })}>
                          <option value="closed">Closed all day</option>
                          <option value="special">Special hours</option>
                        </select>
                      </label>
                      {!exception.closed && (
                        <>
                          <label>
                            {`${label} opens`}
                            <input type="time" value={exception.opens} onChange={(event) => editException(exception.key, { opens: event.target.value })} />
                            {field && <FieldError error={error} field={`${field}.opens`} />}
                          </label>
                          <label>
                            {`${label} closes`}
                            <input type="time" value={exception.closes} onChange={(event) => editException(exception.key, { closes: event.target.value })} />
                            {field && <FieldError error={error} field={`${field}.closes`} />}
                          </label>
                        </>
                      )}
                      <button type="button" onClick={() => edit({ exceptions: value.exceptions.filter((entry) => entry.key !== exception.key) })}>
                        {`Remove exception ${index + 1}`}
                      </button>
                      {field && <FieldError error={error} field={field} />}
                      {field && <FieldError error={error} field={`${field}.closed`} />}
                    </div>
                  );
                })}
                <button
                  type="button"
                  className="add-row"
                  onClick={() => edit({ exceptions: [...value.exceptions, { key: nextKey++, date: '', closed: true, opens: '09:00', closes: '17:00' }] })}
                >
                  Add holiday or special hours
                </button>
              </fieldset>
            </>
          )}

          <h2>Auto-responses</h2>
          <label>
            Auto-response within office hours
            <textarea rows={3} maxLength={1000} value={value.onlineAutoResponse} placeholder="Thanks! An agent will be with you shortly." onChange={(event) => edit({ onlineAutoResponse: event.target.value })} />
            <FieldError error={error} field="onlineAutoResponse" />
          </label>
          <label>
            Auto-response outside office hours
            <textarea rows={3} maxLength={1000} value={value.offlineAutoResponse} placeholder="We're offline right now; we'll answer by email." onChange={(event) => edit({ offlineAutoResponse: event.target.value })} />
            <FieldError error={error} field="offlineAutoResponse" />
          </label>
          <label>
            Follow-up address
            <input type="email" value={value.followUpFromAddress} placeholder="The first email support address" onChange={(event) => edit({ followUpFromAddress: event.target.value })} />
            <span className="muted hint">The From of the email sent when a visitor left before an agent answered.</span>
            <FieldError error={error} field="followUpFromAddress" />
          </label>
          <label>
            Visitor sessions last (hours)
            <input type="number" min={1} max={2160} step={1} value={value.visitorTokenTtlHours} onChange={(event) => edit({ visitorTokenTtlHours: event.target.value })} />
            <FieldError error={error} field="visitorTokenTtlHours" />
          </label>
        </fieldset>
        <FormError error={error} fields={shown} />
        {editable && (
          <SaveActions saving={save.isPending} saved={save.isSuccess} />
        )}
      </form>
      <section className="card settings-form" aria-labelledby="widget-title">
        <h2 id="widget-title">Chat widget</h2>
        <p className="muted">Put this tag on every page of your site where the chat should appear, just before &lt;/body&gt;.</p>
        <CopyField label="Widget snippet" value={snippet} multiline />
      </section>
    </div>
  );
}
