import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { browserTestsSkippedBecause, launchChromium, screenshot, setPassword, signIntoConsole } from '../support/console-browser.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const skipped = browserTestsSkippedBecause();
if (skipped) process.stderr.write(`console service levels browser test skipped: ${skipped}\n`);

const OWNER_PASSWORD = 'owner-password-0123';
const SUPPORT_PASSWORD = 'support-password-0123';

type Calendar = { id: string; name: string; timeZone: string; weekly: unknown[]; holidays: unknown[] };
type Policy = { id: string; name: string; position: number; enabled: boolean; conditions: unknown; targets: unknown; onWarning: unknown[]; onBreach: unknown[]; warnAtPercent: number; pauseWhileSnoozed: boolean };
type Match = { policy: Policy | null; verdicts: { policyId: string; name: string; matched: boolean; reasons: string[] }[] };

(skipped ? describe.skip : describe)('console service levels (business hours, SLA policies) in a real browser', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let browser: Browser;
  let ownerPage: Page;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    await setPassword(stack.orm, brand.users.owner.id, OWNER_PASSWORD);
    await setPassword(stack.orm, brand.users.support.id, SUPPORT_PASSWORD);
    browser = await launchChromium();
    // The agent works in Paris: the deadline check's "Starts at" is on the agent's clocks.
    ownerPage = await signIntoConsole(browser, stack.baseUrl, { email: brand.users.owner.email, password: OWNER_PASSWORD }, { timezoneId: 'Europe/Paris' });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const apiAs = async <T = Record<string, unknown>>(role: 'owner' | 'support', method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { ...brand.headers(role), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as T;
  };

  const nineToSix = [1, 2, 3, 4, 5].map((day) => ({ day, windows: [{ opens: '09:00', closes: '18:00' }] }));

  it('creates the Mon–Fri 09:00–18:00 Paris calendar and checks a deadline: Friday 17:55 + 60 min is due Monday 09:55, warns 09:43', async () => {
    const page = ownerPage;
    await page.goto(`${stack.baseUrl}/#/settings/calendars`);
    await page.getByRole('heading', { name: 'Business-hours calendars' }).waitFor();
    await page.getByRole('button', { name: 'New calendar' }).click();
    const form = page.getByRole('form', { name: 'Calendar' });
    await form.waitFor();
    await form.getByLabel('Name', { exact: true }).fill('Paris office');
    await form.getByLabel('Time zone').selectOption('Europe/Paris');
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) {
      await form.getByLabel(`${day} window 1 opens`).fill('09:00');
      await form.getByLabel(`${day} window 1 closes`).fill('18:00');
    }
    // A split shift and the 24-hours shortcut, tried and taken back: Saturday and Sunday stay closed.
    await form.getByRole('button', { name: 'Add Saturday window' }).click();
    await form.getByRole('button', { name: 'Add Saturday window' }).click();
    await expect(form.getByLabel('Saturday window 2 opens').inputValue()).resolves.toBe('');
    await form.getByRole('button', { name: 'Remove saturday window 2' }).click();
    await form.getByRole('button', { name: 'Remove saturday window 1' }).click();
    await form.getByRole('button', { name: 'Sunday 24 hours' }).click();
    await expect(form.getByLabel('Sunday window 1 closes').inputValue()).resolves.toBe('24:00');
    await form.getByRole('button', { name: 'Sunday closed' }).click();
    await expect(form.getByLabel('Sunday window 1 opens').count()).resolves.toBe(0);
    // Holidays: Christmas closed, Christmas Eve with special hours.
    await form.getByRole('button', { name: 'Add holiday or special hours' }).click();
    await form.getByLabel('Holiday 1 date').fill('2026-12-25');
    await form.getByLabel('Holiday 1 name').fill('Christmas Day');
    await form.getByRole('button', { name: 'Add holiday or special hours' }).click();
    await form.getByLabel('Holiday 2 date').fill('2026-12-24');
    await form.getByLabel('Holiday 2 hours').selectOption('special');
    await form.getByLabel('Holiday 2 window 1 opens').fill('09:00');
    await form.getByLabel('Holiday 2 window 1 closes').fill('12:00');
    await form.getByRole('button', { name: 'Create calendar' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    const { calendars } = await apiAs<{ calendars: Calendar[] }>('owner', 'GET', '/business-calendars');
    expect(calendars).toHaveLength(1);
    expect(calendars[0]).toMatchObject({
      name: 'Paris office',
      timeZone: 'Europe/Paris',
      weekly: nineToSix,
      holidays: [
        { date: '2026-12-25', name: 'Christmas Day', closed: true },
        { date: '2026-12-24', windows: [{ opens: '09:00', closes: '12:00' }] },
      ],
    });
    await page.getByRole('row', { name: /Paris office/ }).getByText('Europe/Paris').waitFor();

    const preview = page.getByRole('form', { name: 'Check a deadline' });
    await preview.getByLabel('Starts at').fill('2026-12-04T17:55');
    await preview.getByLabel('Target (minutes)').fill('60');
    await preview.getByLabel('Warn at (%)').fill('80');
    await preview.getByRole('button', { name: 'Check' }).click();
    const due = preview.getByTestId('preview-due');
    await due.filter({ hasText: 'Monday' }).waitFor();
    expect(await due.textContent()).toMatch(/Monday,? 7 December 2026\D*09:55 \(Europe\/Paris\)/);
    expect(await preview.getByTestId('preview-warns').textContent()).toMatch(/Monday,? 7 December 2026\D*09:43 \(Europe\/Paris\)/);

    // The same answer from the API (17:55 in Paris in December is 16:55Z).
    const answer = await apiAs<{ dueAtLocal: string; warnsAtLocal: string }>(
      'owner',
      'GET',
      `/business-calendars/${calendars[0]!.id}/preview?from=${encodeURIComponent('2026-12-04T16:55:00.000Z')}&durationMinutes=60&warnAtPercent=80`,
    );
    expect(answer.dueAtLocal).toBe('2026-12-07T09:55:00.000+01:00');
    expect(answer.warnsAtLocal).toBe('2026-12-07T09:43:00.000+01:00');
  });

  it('creates two SLA policies, reorders them, and the match tester agrees with GET /sla-policies/match', async () => {
    const page = ownerPage;
    const { calendars } = await apiAs<{ calendars: Calendar[] }>('owner', 'GET', '/business-calendars');
    const paris = calendars.find((calendar) => calendar.name === 'Paris office')!;
    await page.goto(`${stack.baseUrl}/#/settings/sla`);
    await page.getByRole('heading', { name: 'SLA policies', level: 2 }).waitFor();

    await page.getByRole('button', { name: 'New policy' }).click();
    let form = page.getByRole('form', { name: 'SLA policy' });
    await form.getByLabel('Name', { exact: true }).fill('SMS urgent');
    await form.getByRole('group', { name: 'Channels' }).getByLabel('SMS').check();
    await form.getByRole('group', { name: 'Priorities' }).getByLabel('Urgent').check();
    const first = form.getByRole('group', { name: 'First response' });
    await expect(first.getByLabel('First response target').isChecked()).resolves.toBe(true);
    await first.getByLabel('First response hours').fill('0');
    await first.getByLabel('First response minutes').fill('15');
    await expect(first.getByLabel('First response calendar').inputValue()).resolves.toBe('');
    const breach = form.getByRole('group', { name: 'On breach' });
    await breach.getByLabel('Notify', { exact: true }).check();
    await breach.getByLabel('By email').check();
    await breach.getByLabel('Notify these users').selectOption(brand.users.support.id);
    await breach.getByLabel('Reassign to').selectOption(brand.users.owner.id);
    await form.getByRole('button', { name: 'Create policy' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await form.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'New policy' }).click();
    form = page.getByRole('form', { name: 'SLA policy' });
    await form.getByLabel('Name', { exact: true }).fill('Everything else');
    await form.getByLabel('First response hours').fill('4');
    await form.getByLabel('First response minutes').fill('30');
    await form.getByLabel('First response calendar').selectOption({ label: 'Paris office' });
    await form.getByLabel('Resolution target').check();
    await form.getByLabel('Resolution hours').fill('24');
    await form.getByLabel('Resolution minutes').fill('0');
    await form.getByLabel('Resolution calendar').selectOption({ label: 'Paris office' });
    await form.getByLabel('Pause while snoozed').check();
    await form.getByLabel('Warn at (%)').fill('75');
    await form.getByRole('group', { name: 'On warning' }).getByLabel('Add tag').fill('SLA warning');
    await form.getByRole('group', { name: 'On breach' }).getByLabel('Raise priority to').selectOption('high');
    await form.getByRole('button', { name: 'Create policy' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    const listed = async () => (await apiAs<{ policies: Policy[] }>('owner', 'GET', '/sla-policies')).policies;
    const [sms, catchAll] = await listed();
    expect(sms).toMatchObject({
      name: 'SMS urgent',
      position: 0,
      enabled: true,
      conditions: { channels: ['sms'], priorities: ['urgent'] },
      targets: { first_response: { minutes: 15, calendarId: null } },
      warnAtPercent: 80,
      pauseWhileSnoozed: false,
      onWarning: [],
      onBreach: [
        { type: 'notify', assignee: true, userIds: [brand.users.support.id], channels: ['in_app', 'email'] },
        { type: 'reassign', userId: brand.users.owner.id },
      ],
    });
    expect(catchAll).toMatchObject({
      name: 'Everything else',
      position: 1,
      conditions: {},
      targets: { first_response: { minutes: 270, calendarId: paris.id }, resolution: { minutes: 1440, calendarId: paris.id } },
      warnAtPercent: 75,
      pauseWhileSnoozed: true,
      onWarning: [{ type: 'add_tag', tag: 'sla warning' }],
      onBreach: [{ type: 'raise_priority', to: 'high' }],
    });

    const policies = page.getByRole('list', { name: 'Policies in order' });
    const names = async () => (await policies.getByRole('listitem').locator('strong').allTextContents()).map((text) => text.trim());
    const tester = page.getByRole('form', { name: 'Which policy applies?' });
    const check = async (channel: string, priority: string) => {
      await tester.getByLabel('Ticket channel').selectOption(channel);
      await tester.getByLabel('Ticket priority').selectOption(priority);
      await tester.getByRole('button', { name: 'Check' }).click();
      const api = await apiAs<Match>('owner', 'GET', `/sla-policies/match?channel=${channel}&priority=${priority}`);
      const result = tester.getByRole('region', { name: 'Match result' });
      await result.getByTestId('match-policy').filter({ hasText: `Applies: ${api.policy!.name}` }).waitFor();
      const verdicts = result.getByRole('listitem');
      await expect(verdicts.count()).resolves.toBe(api.verdicts.length);
      for (const [index, verdict] of api.verdicts.entries()) {
        const text = await verdicts.nth(index).textContent();
        expect(text).toContain(verdict.name);
        for (const reason of verdict.reasons) expect(text).toContain(reason);
      }
      return api;
    };

    // The catch-all moved to the top takes every ticket, the SMS one too.
    // Waits for the list in this order, with the move buttons usable again (they wait while the API stores an order).
    const shownInOrder = async (first: string, second: string) => {
      await policies.getByRole('listitem').nth(0).filter({ hasText: first }).waitFor();
      await page.getByRole('button', { name: `Move ${first} down` }).and(page.locator(':enabled')).waitFor();
      await expect(page.getByRole('button', { name: `Move ${first} up` }).isDisabled()).resolves.toBe(true);
      await expect(page.getByRole('button', { name: `Move ${second} down` }).isDisabled()).resolves.toBe(true);
    };
    await page.getByRole('button', { name: 'Move Everything else up' }).click();
    await shownInOrder('Everything else', 'SMS urgent');
    expect(await names()).toEqual(['Everything else', 'SMS urgent']);
    expect((await listed()).map((policy) => policy.name)).toEqual(['Everything else', 'SMS urgent']);
    const shadowed = await check('sms', 'urgent');
    expect(shadowed.policy!.id).toBe(catchAll!.id);
    expect(shadowed.verdicts.map((verdict) => verdict.policyId)).toEqual([catchAll!.id]);

    // Back in place: the SMS policy first.
    await page.getByRole('button', { name: 'Move Everything else down' }).click();
    await shownInOrder('SMS urgent', 'Everything else');
    expect(await names()).toEqual(['SMS urgent', 'Everything else']);
    expect((await listed()).map((policy) => policy.id)).toEqual([sms!.id, catchAll!.id]);

    const urgentSms = await check('sms', 'urgent');
    expect(urgentSms.policy!.id).toBe(sms!.id);
    const normalEmail = await check('email', 'normal');
    expect(normalEmail.policy!.id).toBe(catchAll!.id);
    expect(normalEmail.verdicts[0]).toMatchObject({ policyId: sms!.id, matched: false, reasons: ['channel email is not among sms', 'priority normal is not among urgent'] });
    await tester.getByRole('listitem').filter({ hasText: 'channel email is not among sms' }).waitFor();

    // Disabling the SMS policy in the list: it is skipped, as the tester says.
    const toggle = page.getByLabel('Enable SMS urgent');
    await toggle.uncheck();
    await toggle.and(page.locator(':enabled')).waitFor();
    await policies.getByRole('listitem', { name: 'SMS urgent' }).getByText('Disabled').waitFor();
    expect((await listed()).map((policy) => policy.enabled)).toEqual([false, true]);
    const disabled = await check('sms', 'urgent');
    expect(disabled.verdicts[0]).toMatchObject({ policyId: sms!.id, reasons: ['disabled'] });
    await toggle.check();
    await toggle.and(page.locator(':enabled')).waitFor();
    await policies.getByRole('listitem', { name: 'SMS urgent' }).getByText('Enabled').waitFor();
    expect((await listed()).map((policy) => policy.enabled)).toEqual([true, true]);
    await check('email', 'normal');
    await page.getByRole('form', { name: 'SLA policy' }).getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'SLA policies', level: 2 }).scrollIntoViewIfNeeded();
    await screenshot(page, 'console-settings-sla');
  });

  it("shows the API's error beside the field at fault and keeps the draft", async () => {
    const page = ownerPage;
    const before = await apiAs<{ calendars: Calendar[] }>('owner', 'GET', '/business-calendars');
    await page.goto(`${stack.baseUrl}/#/settings/calendars`);
    await page.getByRole('button', { name: 'Edit Paris office' }).click();
    const form = page.getByRole('form', { name: 'Calendar' });
    // Tuesday closes before it opens: weekly[1] (the second day sent), window 0, closes.
    await form.getByLabel('Tuesday window 1 closes').fill('08:00');
    await form.getByRole('button', { name: 'Add Tuesday window' }).click();
    await form.getByLabel('Tuesday window 2 opens').fill('14:00');
    await form.getByLabel('Tuesday window 2 closes').fill('18:00');
    await form.getByRole('button', { name: 'Save calendar' }).click();
    await form.getByRole('group', { name: 'Tuesday window 1' }).getByRole('alert').filter({ hasText: '08:00 is not after 09:00' }).waitFor();
    await expect(form.getByRole('group', { name: 'Monday window 1' }).getByRole('alert').count()).resolves.toBe(0);
    await expect(form.getByLabel('Tuesday window 1 closes').inputValue()).resolves.toBe('08:00');
    await expect(form.getByLabel('Tuesday window 2 opens').inputValue()).resolves.toBe('14:00');
    await expect(form.getByRole('status').filter({ hasText: 'Saved' }).count()).resolves.toBe(0);
    expect(await apiAs('owner', 'GET', '/business-calendars')).toEqual(before);

    // A split shift that is right saves.
    await form.getByLabel('Tuesday window 1 closes').fill('12:00');
    await form.getByRole('button', { name: 'Save calendar' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const { calendars } = await apiAs<{ calendars: Calendar[] }>('owner', 'GET', '/business-calendars');
    expect(calendars[0]!.weekly[1]).toEqual({ day: 2, windows: [{ opens: '09:00', closes: '12:00' }, { opens: '14:00', closes: '18:00' }] });

    // A policy target of 0 minutes: targets.first_response.minutes, beside the first-response inputs.
    await page.goto(`${stack.baseUrl}/#/settings/sla`);
    await page.getByRole('button', { name: 'Edit SMS urgent' }).click();
    const policy = page.getByRole('form', { name: 'SLA policy' });
    await policy.getByLabel('First response minutes').fill('0');
    await policy.getByLabel('Name', { exact: true }).fill('SMS urgent (edited)');
    await policy.getByRole('button', { name: 'Save policy' }).click();
    await policy.getByRole('group', { name: 'First response' }).getByRole('alert').waitFor();
    await expect(policy.getByRole('group', { name: 'Resolution' }).getByRole('alert').count()).resolves.toBe(0);
    await expect(policy.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('SMS urgent (edited)');
    const stored = await apiAs<{ policies: Policy[] }>('owner', 'GET', '/sla-policies');
    expect(stored.policies.map((entry) => entry.name)).toEqual(['SMS urgent', 'Everything else']);
    expect((stored.policies[0]!.targets as { first_response: { minutes: number } }).first_response.minutes).toBe(15);
  });

  it('shows the calendars and policies read-only to a support agent', async () => {
    const page = await signIntoConsole(browser, stack.baseUrl, { email: brand.users.support.email, password: SUPPORT_PASSWORD });
    try {
      await page.goto(`${stack.baseUrl}/#/settings/sla`);
      await page.getByText('Only owners and admins can change the SLA policies').waitFor();
      await page.getByRole('listitem', { name: 'SMS urgent' }).waitFor();
      await expect(page.getByRole('button', { name: 'New policy' }).count()).resolves.toBe(0);
      await expect(page.getByLabel('Enable SMS urgent').isDisabled()).resolves.toBe(true);
      await page.goto(`${stack.baseUrl}/#/settings/calendars`);
      await page.getByRole('button', { name: 'Open Paris office' }).click();
      await expect(page.getByLabel('Monday window 1 opens').isDisabled()).resolves.toBe(true);
      // Reading is allowed, and so is the deadline check.
      await page.getByRole('form', { name: 'Check a deadline' }).getByRole('button', { name: 'Check' }).click();
      await page.getByTestId('preview-due').waitFor();
    } finally {
      await page.context().close();
    }
  });
});
