import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '../../libs/domain/access.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const weekdays = (windows: { opens: string; closes: string }[]) => [1, 2, 3, 4, 5].map((day) => ({ day, windows }));
/** The calendar: Monday to Friday, 9 to 18, in Paris, with Easter Monday 2026 off. */
const paris = {
  name: 'Paris office',
  timeZone: 'Europe/Paris',
  weekly: weekdays([{ opens: '09:00', closes: '18:00' }]),
  holidays: [{ date: '2026-04-06', name: 'Easter Monday', closed: true }],
};

/** Business-hours calendars through the API (dev server + PostgreSQL). */
describe('business calendars', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let other: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'admin', 'manager', 'support', 'analyst'] });
    other = await createAccountWithUsers(stack.orm, { roles: ['owner'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const as = (role: Role, method: string, path: string, body?: unknown, account: TestAccount = brand) =>
    callApi(stack.baseUrl, method, path, { token: account.tokens[role], body });
  const refused = (field: string) => ({ status: 400, body: { statusCode: 400, error: 'validation_failed', field } });

  it('creates, lists, reads, replaces and deletes a calendar', async () => {
    const created = await as('admin', 'POST', '/business-calendars', paris);
    expect(created).toMatchObject({ status: 201, body: { ...paris, id: expect.any(String), createdAt: expect.any(String), updatedAt: expect.any(String) } });
    const id = created.body.id as string;

    expect(await as('support', 'GET', `/business-calendars/${id}`)).toMatchObject({ status: 200, body: paris });
    const listed = await as('support', 'GET', '/business-calendars');
    expect(listed.status).toBe(200);
    expect(listed.body.calendars.map((calendar: { id: string }) => calendar.id)).toEqual([id]);

    const split = {
      name: 'Support desk',
      timeZone: 'America/New_York',
      weekly: [
        ...weekdays([
          { opens: '08:00', closes: '12:00' },
          { opens: '13:00', closes: '17:00' },
        ]),
        { day: 6, windows: [{ opens: '00:00', closes: '24:00' }] },
      ],
      holidays: [{ date: '2026-12-24', windows: [{ opens: '09:00', closes: '12:00' }] }],
    };
    const replaced = await as('owner', 'PUT', `/business-calendars/${id}`, split);
    expect(replaced).toMatchObject({ status: 200, body: { ...split, id, createdAt: created.body.createdAt } });
    expect(Date.parse(replaced.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));
    expect((await as('manager', 'GET', `/business-calendars/${id}`)).body).toEqual(replaced.body);

    // Holidays may be left out: none.
    const { holidays: _holidays, ...withoutHolidays } = split;
    expect(await as('owner', 'PUT', `/business-calendars/${id}`, withoutHolidays)).toMatchObject({ status: 200, body: { holidays: [] } });

    expect((await as('admin', 'DELETE', `/business-calendars/${id}`)).status).toBe(204);
    expect(await as('admin', 'GET', `/business-calendars/${id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect((await as('admin', 'DELETE', `/business-calendars/${id}`)).status).toBe(404);
    expect((await as('admin', 'PUT', `/business-calendars/${id}`, paris)).status).toBe(404);
    expect((await as('admin', 'GET', `/business-calendars/${id}/preview?durationMinutes=60`)).status).toBe(404);
  });

  it('records each change in the audit log', async () => {
    const { body } = await as('owner', 'POST', '/business-calendars', { ...paris, name: 'Audited' });
    await as('owner', 'PUT', `/business-calendars/${body.id}`, { ...paris, name: 'Audited', timeZone: 'Europe/Berlin' });
    await as('owner', 'DELETE', `/business-calendars/${body.id}`);
    const entries = (await as('owner', 'GET', '/audit-log?action=settings.changed&limit=50')).body.entries as { target: string; details: { changes: Record<string, { old: unknown; new: unknown }> } }[];
    const mine = entries.filter((entry) => entry.target === `settings:businessCalendar:${body.id}`).reverse();
    expect(mine.map((entry) => Object.keys(entry.details.changes).sort())).toEqual([
      ['holidays', 'name', 'timeZone', 'weekly'],
      ['timeZone'],
      ['holidays', 'name', 'timeZone', 'weekly'],
    ]);
    expect(mine[1]!.details.changes['timeZone']).toEqual({ old: 'Europe/Paris', new: 'Europe/Berlin' });
    expect(mine[2]!.details.changes['name']).toEqual({ old: 'Audited', new: null });
  });

  it('names the field at fault', async () => {
    const post = (body: unknown) => as('admin', 'POST', '/business-calendars', body);
    // The calendar's own rules: bracketed paths.
    expect(await post({ ...paris, timeZone: 'Europe/Atlantis' })).toMatchObject(refused('timeZone'));
    expect(await post({ ...paris, weekly: [{ day: 1, windows: [{ opens: '09:00', closes: '12:00' }, { opens: '11:00', closes: '18:00' }] }] })).toMatchObject(
      refused('weekly[0].windows[1].opens'),
    );
    expect(await post({ ...paris, weekly: [{ day: 1, windows: [] }, { day: 2, windows: [{ opens: '22:00', closes: '02:00' }] }] })).toMatchObject(
      refused('weekly[1].windows[0].closes'),
    );
    expect(await post({ ...paris, weekly: [{ day: 1, windows: [{ opens: '9am', closes: '18:00' }] }] })).toMatchObject(refused('weekly[0].windows[0].opens'));
    expect(await post({ ...paris, weekly: [{ day: 1, windows: [] }, { day: 1, windows: [] }] })).toMatchObject(refused('weekly[1].day'));
    expect(await post({ ...paris, weekly: [{ day: 9, windows: [] }] })).toMatchObject(refused('weekly[0].day'));
    expect(await post({ ...paris, holidays: [{ date: '2026-12-25', closed: true }, { date: '2026-12-25', closed: true }] })).toMatchObject(refused('holidays[1].date'));
    expect(await post({ ...paris, holidays: [{ date: '2026-02-30', closed: true }] })).toMatchObject(refused('holidays[0].date'));
    expect(await post({ ...paris, holidays: [{ date: '2026-12-25' }] })).toMatchObject(refused('holidays[0]'));
    expect(await post({ ...paris, holidays: [{ date: '2026-12-24', windows: [{ opens: '12:00', closes: '09:00' }] }] })).toMatchObject(refused('holidays[0].windows[0].closes'));
    // Types and shapes, checked by the request schema first: dotted paths.
    expect(await post({ ...paris, weekly: undefined })).toMatchObject(refused('weekly'));
    expect(await post({ ...paris, weekly: [{ day: 1, windows: [{ opens: 9, closes: '18:00' }] }] })).toMatchObject(refused('weekly.0.windows.0.opens'));
    expect(await post({ ...paris, weekly: [{ day: 1, windows: [{ opens: '09:00', closes: '18:00', extra: true }] }] })).toMatchObject(refused('weekly.0.windows.0.extra'));
    expect(await post({ ...paris, holidays: [{ date: '2026-12-25', closed: false }] })).toMatchObject(refused('holidays.0.closed'));
    expect(await post({ ...paris, name: '   ' })).toMatchObject(refused('name'));
    expect(await post({ ...paris, name: 'x'.repeat(101) })).toMatchObject(refused('name'));
    // Nothing was stored.
    expect((await as('admin', 'GET', '/business-calendars')).body.calendars.filter((c: { name: string }) => c.name === paris.name)).toEqual([]);
  });

  it('lets only owners and admins change calendars; everyone in the inbox reads them', async () => {
    const { body } = await as('owner', 'POST', '/business-calendars', { ...paris, name: 'Roles' });
    for (const role of ['manager', 'support'] as const) {
      expect(await as(role, 'POST', '/business-calendars', { ...paris, name: `By ${role}` })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
      expect((await as(role, 'PUT', `/business-calendars/${body.id}`, paris)).status).toBe(403);
      expect((await as(role, 'DELETE', `/business-calendars/${body.id}`)).status).toBe(403);
      expect((await as(role, 'GET', `/business-calendars/${body.id}`)).status).toBe(200);
      expect((await as(role, 'GET', `/business-calendars/${body.id}/preview?durationMinutes=60`)).status).toBe(200);
    }
    expect((await as('analyst', 'GET', '/business-calendars')).status).toBe(403);
    expect((await as('owner', 'GET', `/business-calendars/${body.id}`)).body.name).toBe('Roles');
  });

  it('refuses a name the account already uses, regardless of case (409 name_taken)', async () => {
    const first = await as('owner', 'POST', '/business-calendars', { ...paris, name: 'Weekdays' });
    const second = await as('owner', 'POST', '/business-calendars', { ...paris, name: 'Night shift' });
    expect(await as('owner', 'POST', '/business-calendars', { ...paris, name: 'weekdays ' })).toMatchObject({
      status: 409,
      body: { statusCode: 409, error: 'name_taken', field: 'name' },
    });
    expect(await as('owner', 'PUT', `/business-calendars/${second.body.id}`, { ...paris, name: 'WEEKDAYS' })).toMatchObject({ status: 409, body: { error: 'name_taken' } });
    // Keeping its own name is not a conflict, and another account may use the name.
    expect((await as('owner', 'PUT', `/business-calendars/${first.body.id}`, { ...paris, name: 'Weekdays' })).status).toBe(200);
    expect((await as('owner', 'POST', '/business-calendars', { ...paris, name: 'Weekdays' }, other)).status).toBe(201);
  });

  it('keeps each account to its own calendars', async () => {
    const { body } = await as('owner', 'POST', '/business-calendars', { ...paris, name: 'Private' });
    expect((await as('owner', 'GET', `/business-calendars/${body.id}`, undefined, other)).status).toBe(404);
    expect((await as('owner', 'PUT', `/business-calendars/${body.id}`, paris, other)).status).toBe(404);
    expect((await as('owner', 'DELETE', `/business-calendars/${body.id}`, undefined, other)).status).toBe(404);
    expect((await as('owner', 'GET', `/business-calendars/${body.id}/preview?durationMinutes=60`, undefined, other)).status).toBe(404);
    const theirs = (await as('owner', 'GET', '/business-calendars', undefined, other)).body.calendars as { id: string }[];
    expect(theirs.map((calendar) => calendar.id)).not.toContain(body.id);
    expect((await as('owner', 'GET', `/business-calendars/${body.id}`)).status).toBe(200);
  });

  it('previews the issue\'s examples: Friday 17:55, a 1-hour target, a warning at 80 %', async () => {
    const { body: calendar } = await as('owner', 'POST', '/business-calendars', { ...paris, name: 'Preview' });
    const preview = (query: string) => as('support', 'GET', `/business-calendars/${calendar.id}/preview?${query}`);

    expect(await preview(`from=${encodeURIComponent('2026-01-16T17:55:00+01:00')}&durationMinutes=60&warnAtPercent=80`)).toMatchObject({
      status: 200,
      body: {
        calendarId: calendar.id,
        timeZone: 'Europe/Paris',
        from: '2026-01-16T16:55:00.000Z',
        fromLocal: '2026-01-16T17:55:00.000+01:00',
        openAtFrom: true,
        durationMinutes: 60,
        startsAt: '2026-01-16T16:55:00.000Z',
        dueAt: '2026-01-19T08:55:00.000Z',
        dueAtLocal: '2026-01-19T09:55:00.000+01:00',
        warnAtPercent: 80,
        warnsAtLocal: '2026-01-19T09:43:00.000+01:00',
        businessMinutesBetween: 60,
        clockMinutesBetween: 64 * 60,
        searchDays: 1096,
      },
    });
    // Across the change to summer time: Monday 09:55 is 07:55Z.
    expect((await preview('from=2026-03-27T16:55:00Z&durationMinutes=60&warnAtPercent=80')).body).toMatchObject({
      dueAt: '2026-03-30T07:55:00.000Z',
      dueAtLocal: '2026-03-30T09:55:00.000+02:00',
      warnsAtLocal: '2026-03-30T09:43:00.000+02:00',
      businessMinutesBetween: 60,
      clockMinutesBetween: 63 * 60,
    });
    // Across the holiday: Easter Monday is closed, so Tuesday.
    expect((await preview('from=2026-04-03T15:55:00Z&durationMinutes=60')).body).toMatchObject({
      dueAtLocal: '2026-04-07T09:55:00.000+02:00',
      warnAtPercent: null,
      warnsAt: null,
    });
    // Outside hours, the clock starts at the next opening.
    expect((await preview('from=2026-01-17T10:00:00Z&durationMinutes=30')).body).toMatchObject({
      openAtFrom: false,
      startsAt: '2026-01-19T08:00:00.000Z',
      startsAtLocal: '2026-01-19T09:00:00.000+01:00',
      dueAt: '2026-01-19T08:30:00.000Z',
    });
    // Without from: now.
    const now = await preview('durationMinutes=0');
    expect(now.status).toBe(200);
    expect(Math.abs(Date.parse(now.body.from) - Date.now())).toBeLessThan(60_000);

    expect(await preview('from=2026-01-16T16:55:00Z')).toMatchObject(refused('durationMinutes'));
    expect(await preview('from=2026-01-16T16:55:00Z&durationMinutes=-1')).toMatchObject(refused('durationMinutes'));
    expect(await preview('from=2026-01-16T16:55:00Z&durationMinutes=1.5')).toMatchObject(refused('durationMinutes'));
    expect(await preview('from=2026-02-30T16:55:00Z&durationMinutes=60')).toMatchObject(refused('from'));
    expect(await preview('from=2026-01-16T16:55:00Z&durationMinutes=60&warnAtPercent=0')).toMatchObject(refused('warnAtPercent'));
  });

  it('answers null deadlines for a calendar that never opens', async () => {
    const { body: closed } = await as('owner', 'POST', '/business-calendars', { name: 'Never', timeZone: 'UTC', weekly: [] });
    expect(closed.holidays).toEqual([]);
    expect((await as('support', 'GET', `/business-calendars/${closed.id}/preview?from=2026-01-16T16:55:00Z&durationMinutes=60`)).body).toMatchObject({
      openAtFrom: false,
      startsAt: null,
      dueAt: null,
      dueAtLocal: null,
      businessMinutesBetween: null,
      clockMinutesBetween: null,
    });
  });
});
