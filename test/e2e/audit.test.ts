import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const run = promisify(execFile);
const CLI = path.resolve('dist/apps/cli/main.js');

describe('auditing a ticket', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let other: TestAccount;
  let ticketId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    other = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    const response = await fetch(`${stack.baseUrl}/integration/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brand.integrationToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'email', externalId: '<audit-1@example.com>', body: 'my parcel is late', sender: { email: 'audit@example.com' } }),
    });
    ({ ticketId } = (await response.json()) as { ticketId: string });
    await eventually(async () => ((await fetch(`${stack.baseUrl}/tickets/${ticketId}`, { headers: brand.headers('support') })).status === 200 ? true : undefined), 'the ticket');
    for (const action of ['close', 'reopen']) {
      expect((await fetch(`${stack.baseUrl}/tickets/${ticketId}/${action}`, { method: 'POST', headers: brand.headers('support') })).status).toBe(200);
    }
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('lists every transition with who or what caused it', async () => {
    const response = await fetch(`${stack.baseUrl}/tickets/${ticketId}/events`, { headers: brand.headers('support') });
    const { events } = (await response.json()) as { events: { type: string; actorUserId: string | null; detail: Record<string, unknown> }[] };
    expect(events.map((event) => event.type)).toEqual(['created', 'message_received', 'profile_matched', 'closed', 'reopened']);
    expect(events[4]).toMatchObject({ actorUserId: brand.users.support.id, detail: { reason: 'agent' } });
    expect((await fetch(`${stack.baseUrl}/tickets/${ticketId}/events`, { headers: other.headers('support') })).status).toBe(404);
  });

  it('shows the live state held by the workflow', async () => {
    const response = await fetch(`${stack.baseUrl}/tickets/${ticketId}/live`, { headers: brand.headers('support') });
    const events = (await (await fetch(`${stack.baseUrl}/tickets/${ticketId}/events`, { headers: brand.headers('support') })).json()) as { events: { type: string }[] };
    // The first message's transition also records the ticket's creation and the profile it was matched to.
    const transitions = events.events.filter((event) => event.type !== 'created' && event.type !== 'profile_matched');
    expect(await response.json()).toMatchObject({ ticketId, status: 'open', messageCount: 1, version: transitions.length });
  });

  it('exports the history, which replays against the current code', async () => {
    const response = await fetch(`${stack.baseUrl}/tickets/${ticketId}/history`, { headers: brand.headers('support') });
    expect(response.status).toBe(200);
    const exported = (await response.json()) as { workflowId: string; runId: string; runs: { runId: string; status: string }[]; history: { events: unknown[] } };
    expect(exported.workflowId).toBe(ticketId);
    expect(exported.runs).toEqual([expect.objectContaining({ runId: exported.runId, status: 'RUNNING' })]);
    expect(exported.history.events.length).toBeGreaterThan(10);

    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'audit-')), 'history.json');
    await writeFile(file, JSON.stringify(exported));
    const { stdout } = await run(process.execPath, [CLI, 'replay-ticket', '--file', file, '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ workflowId: ticketId, deterministic: true });
  });
});
