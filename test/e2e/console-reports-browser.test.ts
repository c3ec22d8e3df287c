import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { browserTestsSkippedBecause, launchChromium, screenshot, setPassword, signIntoConsole } from '../support/console-browser.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const skipped = browserTestsSkippedBecause();
if (skipped) process.stderr.write(`console reports browser test skipped: ${skipped}\n`);

/** RFC 4180: records split on CRLF outside quotes, fields on commas, "" inside a quoted field is one quote. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += char;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

/** A CSV cell as the API's figure: empty is null, otherwise the number. */
const figure = (cell: string | undefined) => (cell === '' || cell === undefined ? null : Number(cell));

(skipped ? describe.skip : describe)('console reports dashboard in a real browser', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let browser: Browser;
  const password = 'correct horse battery staple';
  /** The agent's names: with a comma and quotes, so the CSV has to quote them. */
  const supportName = `Sam "Support", ${randomUUID().slice(0, 4)}`;

  // The period as the agent picks it in Europe/Berlin (the console's test browser zone, UTC+1 in January):
  // 6 to 12 January 2025 inclusive is [2025-01-05T23:00Z, 2025-01-12T23:00Z).
  const period = { from: '2025-01-05T23:00:00.000Z', to: '2025-01-12T23:00:00.000Z' };

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    await setPassword(stack.orm, brand.users.owner.id, password);
    await stack.orm.em.fork().execute('UPDATE users SET name = ? WHERE id = ?', [supportName, brand.users.support.id]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /**
   * A ticket as the projections hold it, with fixed times: created at `created`, first replied `repliedAfter`
   * seconds later by `replier`, closed `closedAfter` seconds later by `closer` (the events the per-agent figures read).
   */
  const seed = async (
    created: string,
    { channel = 'email', tags = [], repliedAfter, replier, closedAfter, closer }: { channel?: string; tags?: string[]; repliedAfter?: number; replier?: string; closedAfter?: number; closer?: string } = {},
  ) => {
    const id = `report-${randomUUID()}`;
    const createdAt = new Date(created);
    const later = (after: number | undefined) => (after === undefined ? null : new Date(createdAt.getTime() + after * 1000).toISOString());
    const em = stack.orm.em.fork();
    await em.execute(
      `INSERT INTO tickets (id, account_id, channel, status, tags, first_agent_reply_at, message_count, created_at, updated_at, closed_at, version)
       VALUES (?, ?, ?, ?, ?::text[], ?::timestamptz, 1, ?::timestamptz, ?::timestamptz, ?::timestamptz, 3)`,
      [id, brand.accountId, channel, closedAfter === undefined ? 'open' : 'closed', `{${tags.join(',')}}`, later(repliedAfter), createdAt.toISOString(), createdAt.toISOString(), later(closedAfter)],
    );
    const event = (version: number, type: string, actor: string | undefined, after: number) =>
      em.execute(`INSERT INTO ticket_events (id, ticket_id, account_id, type, actor_user_id, detail, occurred_at) VALUES (?, ?, ?, ?, ?, '{}', ?::timestamptz)`, [
        `${id}:${version}:0`,
        id,
        brand.accountId,
        type,
        actor ?? null,
        later(after),
      ]);
    await event(1, 'created', undefined, 0);
    if (repliedAfter !== undefined) await event(2, 'replied', replier, repliedAfter);
    if (closedAfter !== undefined) await event(3, 'closed', closer, closedAfter);
  };

  const apiGet = async (path: string) => {
    const response = await callApi(stack.baseUrl, 'GET', path, { token: brand.tokens.owner });
    expect(response.status).toBe(200);
    return response.body;
  };

  const downloadFrom = async (page: Page, table: string) => {
    const region = page.getByRole('region', { name: table, exact: true });
    const [download] = await Promise.all([page.waitForEvent('download'), region.getByRole('button', { name: 'Download CSV' }).click()]);
    const file = await download.path();
    return { name: download.suggestedFilename(), rows: parseCsv(await readFile(file, 'utf8')) };
  };

  it('charts the seeded period by day in the agent zone, and the per-agent and per-tag CSVs hold the summary figures', async () => {
    const support = brand.users.support.id;
    const owner = brand.users.owner.id;
    // Outside the period (Berlin time): the evening before, and just after its end.
    await seed('2025-01-05T22:30:00.000Z', { repliedAfter: 5, replier: support, closedAfter: 10, closer: support, tags: ['billing'] });
    await seed('2025-01-12T23:00:00.000Z', { repliedAfter: 5, replier: owner });
    // Inside: Monday 6th (two), Wednesday 8th, Friday 10th late in the evening (UTC the same day), Sunday 12th just before midnight.
    await seed('2025-01-06T08:00:00.000Z', { tags: ['billing'], repliedAfter: 90, replier: support, closedAfter: 3600, closer: support });
    await seed('2025-01-06T14:00:00.000Z', { channel: 'sms', tags: ['billing', 'vip'], repliedAfter: 600.125, replier: owner });
    await seed('2025-01-08T09:00:00.000Z', { channel: 'web_chat', tags: ['vip'], repliedAfter: 45.5, replier: support, closedAfter: 7200.25, closer: owner });
    await seed('2025-01-10T22:30:00.000Z');
    await seed('2025-01-12T22:59:00.000Z', { repliedAfter: 30, replier: owner, closedAfter: 120, closer: support });

    const query = `from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`;
    const summary = await apiGet(`/reports/summary?${query}`);
    const series = await apiGet(`/reports/timeseries?${query}&interval=day&timeZone=Europe/Berlin`);
    expect(summary.ticketVolume).toBe(5);
    expect(series.buckets).toHaveLength(7);
    expect(series.buckets.map((bucket: { ticketsCreated: number }) => bucket.ticketsCreated)).toEqual([2, 0, 1, 0, 1, 0, 1]);
    expect(summary.byAgent).toHaveLength(2);
    expect(summary.byTag.map((tag: { tag: string }) => tag.tag)).toEqual(['billing', 'vip']);

    const page = await signIntoConsole(browser, stack.baseUrl, { email: brand.users.owner.email, password });
    const requested: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/reports/')) requested.push(request.url());
    });
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
    // The default period: the last 30 days, today included.
    await page.getByRole('button', { name: 'Last 30 days', pressed: true }).waitFor();
    await page.getByRole('img', { name: /^Tickets created per day|^Median first response per day/ }).first().or(page.getByText('No tickets were created in this period')).waitFor();

    await page.getByLabel('To (inclusive)').fill('2025-01-12');
    await page.getByLabel('From', { exact: true }).fill('2025-01-06');
    const buckets = series.buckets as { ticketsCreated: number; firstResponseMedianSeconds: number | null; resolutionMedianSeconds: number | null }[];

    // The volume chart: one bar per bucket of the API, with the API's counts.
    const volume = page.getByRole('img', { name: new RegExp(`^Tickets created per day, ${buckets.length} days from .*: 5 tickets in total`) });
    await volume.waitFor();
    const bars = volume.locator('g.bar');
    expect(await bars.count()).toBe(buckets.length);
    expect(await bars.evaluateAll((elements) => elements.map((element) => Number(element.getAttribute('data-value'))))).toEqual(buckets.map((bucket) => bucket.ticketsCreated));
    expect(await bars.first().locator('title').textContent()).toMatch(/2 tickets created/);

    // The median lines: a point per bucket with a median, gaps where the API has null.
    const firstResponse = page.getByRole('img', { name: /^Median first response per day, 7 days/ });
    const resolution = page.getByRole('img', { name: /^Median resolution per day, 7 days/ });
    expect(await firstResponse.locator('g.point').count()).toBe(buckets.filter((bucket) => bucket.firstResponseMedianSeconds !== null).length);
    expect(await resolution.locator('g.point').count()).toBe(buckets.filter((bucket) => bucket.resolutionMedianSeconds !== null).length);
    expect(await firstResponse.getAttribute('aria-label')).toMatch(/days? without a value/);
    // Axis titles name the unit.
    expect(await firstResponse.locator('text.axis-title').allTextContents()).toEqual(['Median first response (minutes)', 'Day']);

    // The page asked the API for exactly this period, in the agent's zone, by day.
    const last = (path: string) => new URL(requested.filter((url) => url.includes(path)).at(-1)!);
    expect(Object.fromEntries(last('/reports/summary').searchParams)).toEqual(period);
    expect(Object.fromEntries(last('/reports/timeseries').searchParams)).toEqual({ ...period, interval: 'day', timeZone: 'Europe/Berlin' });

    // Headline figures and the tables come from the summary.
    const headline = page.locator('.headline');
    await headline.getByText('Tickets created').waitFor();
    expect(await headline.locator('dd.figure').first().textContent()).toBe('5');
    const agents = page.getByRole('region', { name: 'By agent', exact: true });
    await agents.getByRole('rowheader', { name: supportName }).waitFor();
    expect(await agents.getByRole('columnheader').allTextContents()).toEqual([
      'Agent',
      'First responses',
      'Median first response',
      'Average first response',
      'Resolved',
      'Median resolution',
      'Average resolution',
    ]);
    await screenshot(page, 'reports');

    // The per-agent CSV: the API's figures, unrounded, one row per agent.
    const agentCsv = await downloadFrom(page, 'By agent');
    expect(agentCsv.name).toBe('report-agents-2025-01-06-2025-01-12.csv');
    const [header, ...rows] = agentCsv.rows;
    expect(header).toEqual([
      'Agent',
      'User ID',
      'First responses (tickets)',
      'Median first response (seconds)',
      'Average first response (seconds)',
      'Resolved (tickets)',
      'Median resolution (seconds)',
      'Average resolution (seconds)',
    ]);
    expect(rows).toHaveLength(summary.byAgent.length);
    for (const agent of summary.byAgent as {
      userId: string;
      name: string;
      firstResponse: { answered: number; medianSeconds: number | null; averageSeconds: number | null };
      resolution: { resolved: number; medianSeconds: number | null; averageSeconds: number | null };
    }[]) {
      const row = rows.find((candidate) => candidate[1] === agent.userId)!;
      expect(row).toBeDefined();
      expect(row[0]).toBe(agent.name);
      expect(row.slice(2).map(figure)).toEqual([
        agent.firstResponse.answered,
        agent.firstResponse.medianSeconds,
        agent.firstResponse.averageSeconds,
        agent.resolution.resolved,
        agent.resolution.medianSeconds,
        agent.resolution.averageSeconds,
      ]);
    }
    // Fractions of a second survive (the table shows "10 min", the file 600.125).
    const ownerRow = rows.find((row) => row[1] === owner)!;
    expect(ownerRow[0]).toBe(brand.users.owner.name);
    expect(figure(ownerRow[3])).toBe(summary.byAgent.find((agent: { userId: string }) => agent.userId === owner).firstResponse.medianSeconds);
    expect(rows.find((row) => row[1] === support)![0]).toBe(supportName);

    // The per-tag CSV likewise.
    const tagCsv = await downloadFrom(page, 'By tag');
    expect(tagCsv.name).toBe('report-tags-2025-01-06-2025-01-12.csv');
    const [tagHeader, ...tagRows] = tagCsv.rows;
    expect(tagHeader!.slice(0, 3)).toEqual(['Tag', 'Tickets', 'Answered (tickets)']);
    const column = (name: string) => tagHeader!.indexOf(name);
    expect(tagRows.map((row) => row[0])).toEqual(summary.byTag.map((tag: { tag: string }) => tag.tag));
    for (const [index, tag] of (summary.byTag as { ticketVolume: number; firstResponse: { medianSeconds: number | null }; resolution: { resolved: number; medianSeconds: number | null }; reopens: { total: number } }[]).entries()) {
      const row = tagRows[index]!;
      expect(figure(row[column('Tickets')])).toBe(tag.ticketVolume);
      expect(figure(row[column('Median first response (seconds)')])).toBe(tag.firstResponse.medianSeconds);
      expect(figure(row[column('Resolved (tickets)')])).toBe(tag.resolution.resolved);
      expect(figure(row[column('Median resolution (seconds)')])).toBe(tag.resolution.medianSeconds);
      expect(figure(row[column('Reopens')])).toBe(tag.reopens.total);
    }

    // A period longer than 90 days is charted by ISO week, still one bar per bucket of the API.
    const longQuery = `from=${encodeURIComponent('2024-05-31T22:00:00.000Z')}&to=${encodeURIComponent(period.to)}`;
    const weekly = await apiGet(`/reports/timeseries?${longQuery}&interval=week&timeZone=Europe/Berlin`);
    await page.getByLabel('From', { exact: true }).fill('2024-06-01');
    const weeklyVolume = page.getByRole('img', { name: new RegExp(`^Tickets created per week, ${weekly.buckets.length} weeks from`) });
    await weeklyVolume.waitFor();
    expect(await weeklyVolume.locator('g.bar').count()).toBe(weekly.buckets.length);
    expect(await weeklyVolume.locator('g.bar').evaluateAll((elements) => elements.map((element) => Number(element.getAttribute('data-value'))))).toEqual(
      weekly.buckets.map((bucket: { ticketsCreated: number }) => bucket.ticketsCreated),
    );
    expect(Object.fromEntries(last('/reports/timeseries').searchParams)).toMatchObject({ interval: 'week', timeZone: 'Europe/Berlin' });

    // A period without tickets: the empty states say what to do.
    await page.getByLabel('From', { exact: true }).fill('2024-06-01');
    await page.getByLabel('To (inclusive)').fill('2024-06-07');
    await page.getByText('No tickets were created in this period').waitFor();
    await agents.getByText(/No agent sent a first reply/).waitFor();
    await page.getByRole('region', { name: 'By tag', exact: true }).getByText(/No ticket created in this period carries a tag/).waitFor();
    expect(await agents.getByRole('button', { name: 'Download CSV' }).count()).toBe(0);
    // An impossible period is refused in the page, before the API is asked.
    await page.getByLabel('From', { exact: true }).fill('2025-01-20');
    await page.getByRole('alert').filter({ hasText: 'The last day must be on or after the first day.' }).waitFor();
    await page.context().close();
  });

  it('shows SLA achievement and CSAT with CSVs, and switches the time figures to a business-hours calendar', async () => {
    const support = brand.users.support.id;
    // Monday 2 to Sunday 8 March 2026 in Europe/Berlin (UTC+1), the same wall clock as the Paris calendar.
    const march = { from: '2026-03-01T23:00:00.000Z', to: '2026-03-08T23:00:00.000Z' };
    const calendar = await callApi(stack.baseUrl, 'POST', '/business-calendars', {
      token: brand.tokens.owner,
      body: { name: 'Paris office', timeZone: 'Europe/Paris', weekly: [1, 2, 3, 4, 5].map((day) => ({ day, windows: [{ opens: '09:00', closes: '18:00' }] })), holidays: [] },
    });
    expect(calendar.status).toBe(201);
    // Created Monday 17:00 Paris, answered Tuesday 10:00 (17 h; 2 business hours), closed Tuesday 12:00 (19 h; 4 business hours).
    await seed('2026-03-02T16:00:00.000Z', { repliedAfter: 17 * 3600, replier: support, closedAfter: 19 * 3600, closer: support });
    const [ticket] = await stack.orm.em.fork().execute<{ id: string }[]>('SELECT id FROM tickets WHERE account_id = ? AND created_at = ?::timestamptz', [brand.accountId, '2026-03-02T16:00:00.000Z']);
    const clock = (clockId: string, breached: string | null, endedAt: string) =>
      stack.orm.em.fork().execute(
        `INSERT INTO ticket_sla_clocks (ticket_id, clock_id, account_id, policy_id, policy_name, target, minutes, started_at, due_at, breached_at, ended_at, outcome, ended_by_user_id, version)
         VALUES (?, ?, ?, 'policy-standard', 'Standard', ?, 60, '2026-03-02T16:00:00Z', '2026-03-02T17:00:00Z', ?::timestamptz, ?::timestamptz, 'met', ?, 3)`,
        [ticket!.id, clockId, brand.accountId, clockId.split(':')[0], breached, endedAt, support],
      );
    await clock('first_response:1', '2026-03-02T17:00:00Z', '2026-03-03T09:00:00Z');
    await clock('resolution:2', null, '2026-03-03T11:00:00Z');
    for (const [id, score] of [['survey-answered', 5], ['survey-silent', null]] as const) {
      await stack.orm.em.fork().execute(
        `INSERT INTO csat_surveys (id, account_id, ticket_id, channel, token_hash, closed_by_user_id, sent_at, score, answered_at) VALUES (?, ?, ?, 'email', ?, ?, '2026-03-03T11:00:00Z', ?, ?::timestamptz)`,
        [id, brand.accountId, ticket!.id, `hash-${id}`, support, score, score === null ? null : '2026-03-03T12:00:00Z'],
      );
    }
    const query = `from=${encodeURIComponent(march.from)}&to=${encodeURIComponent(march.to)}`;
    const summary = await apiGet(`/reports/summary?${query}`);
    expect(summary.sla.overall).toEqual({ hit: 1, missed: 1, pending: 0, achievementRate: 0.5 });
    const business = await apiGet(`/reports/summary?${query}&calendarId=${calendar.body.id}`);
    expect(business.firstResponse).toMatchObject({ medianSeconds: 17 * 3600, businessMedianSeconds: 2 * 3600 });

    const page = await signIntoConsole(browser, stack.baseUrl, { email: brand.users.owner.email, password });
    const requested: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/reports/summary')) requested.push(request.url());
    });
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByLabel('To (inclusive)').fill('2026-03-08');
    await page.getByLabel('From', { exact: true }).fill('2026-03-02');

    // SLA: the overall figure, a row per target, the policy and agent tables with their CSVs.
    const serviceLevels = page.getByRole('region', { name: 'Service levels' });
    await serviceLevels.getByText('1 hit, 1 missed, 0 pending').first().waitFor();
    expect(await serviceLevels.locator('dd.figure').first().textContent()).toMatch(/^50\s?%$/);
    const byTarget = page.getByRole('region', { name: 'SLA by target' });
    expect(await byTarget.getByRole('rowheader').allTextContents()).toEqual(['First response', 'Next response', 'Resolution']);
    expect(await byTarget.getByRole('row', { name: /^First response/ }).getByRole('cell').allTextContents()).toEqual(['0', '1', '0', '0%']);
    const policyCsv = await downloadFrom(page, 'SLA by policy');
    expect(policyCsv.name).toBe('report-sla-policies-2026-03-02-2026-03-08.csv');
    expect(policyCsv.rows).toEqual([
      ['Policy', 'Policy ID', 'Hit (targets)', 'Missed (targets)', 'Pending (targets)', 'Achievement rate (hit / (hit + missed))'],
      ['Standard', 'policy-standard', '1', '1', '0', '0.5'],
    ]);
    const agentSla = await downloadFrom(page, 'SLA by agent');
    expect(agentSla.rows.slice(1)).toEqual([[supportName, support, '1', '1', '0', '0.5']]);
    const targetCsv = await downloadFrom(page, 'SLA by target');
    expect(targetCsv.rows.slice(1).map((row) => [row[1], ...row.slice(2).map(figure)])).toEqual(
      summary.sla.byTarget.map((row: { target: string; hit: number; missed: number; pending: number; achievementRate: number | null }) => [row.target, row.hit, row.missed, row.pending, row.achievementRate]),
    );

    // CSAT: the average of the answers and the response rate.
    const csat = page.getByRole('region', { name: 'Customer satisfaction' });
    expect(await csat.locator('dd.figure').allTextContents()).toEqual(['5.0 / 5', expect.stringMatching(/^50\s?%$/)]);
    await csat.getByText('1 of 2 surveys answered').waitFor();
    expect(await csat.getByRole('row', { name: /^5 \/ 5/ }).getByRole('cell').first().textContent()).toBe('1');

    // Clock time until a calendar is chosen; then the summary is asked in its business hours.
    const headline = page.locator('.headline').first();
    expect(await headline.getByText('Median first response', { exact: true }).count()).toBe(1);
    expect(Object.fromEntries(new URL(requested.at(-1)!).searchParams)).toEqual(march);
    await page.getByLabel('Count time in').selectOption({ label: 'Business hours: Paris office (Europe/Paris)' });
    await headline.getByText('Median first response (business hours)').waitFor();
    expect(Object.fromEntries(new URL(requested.at(-1)!).searchParams)).toEqual({ ...march, calendarId: calendar.body.id });
    expect(await headline.locator('dd.figure').nth(1).textContent()).toBe('2 h');
    expect(await headline.locator('dd.figure').nth(2).textContent()).toBe('4 h');
    await page.getByText(/count the business hours of Paris office \(Europe\/Paris\) only/).waitFor();
    const agents = page.getByRole('region', { name: 'By agent', exact: true });
    const supportRow = agents.getByRole('row').filter({ has: page.getByRole('rowheader', { name: supportName }) });
    expect(await supportRow.getByRole('cell').allTextContents()).toEqual(['1', '2 h', '2 h', '1', '4 h', '4 h']);
    const agentCsv = await downloadFrom(page, 'By agent');
    const [header, row] = agentCsv.rows;
    expect(header!.slice(8)).toEqual([
      'Median first response, business hours (seconds)',
      'Average first response, business hours (seconds)',
      'Median resolution, business hours (seconds)',
      'Average resolution, business hours (seconds)',
    ]);
    expect(row!.slice(2).map(figure)).toEqual([1, 61_200, 61_200, 1, 68_400, 68_400, 7200, 7200, 14_400, 14_400]);
    await page.getByLabel('Count time in').selectOption({ label: 'Clock time (around the clock)' });
    await headline.getByText('Median first response', { exact: true }).waitFor();
    expect(await headline.locator('dd.figure').nth(1).textContent()).toBe('17 h');
    await page.context().close();
  });
});
