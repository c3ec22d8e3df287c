import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { startTestStack, type TestStack } from '../support/stack.js';

describe('while no worker runs', () => {
  let stack: TestStack;
  let brand: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack({ WORKFLOW_UPDATE_TIMEOUT_MS: '1500' });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('still accepts inbound messages, answers agent actions with 503, and loses nothing', async () => {
    await stack.stopWorker();
    const accepted = await fetch(`${stack.baseUrl}/integration/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brand.integrationToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'email', externalId: '<offline-1@example.com>', body: 'anyone there?', sender: { email: 'late@example.com' } }),
    });
    expect(accepted.status).toBe(202);
    const { ticketId } = (await accepted.json()) as { ticketId: string };

    const action = await fetch(`${stack.baseUrl}/tickets/${ticketId}/close`, { method: 'POST', headers: brand.headers('support') });
    expect(action.status).toBe(503);
    expect(await action.json()).toMatchObject({ statusCode: 503, error: 'service_unavailable' });

    await stack.startWorker();
    const detail = await eventually(async () => {
      const response = await fetch(`${stack.baseUrl}/tickets/${ticketId}`, { headers: brand.headers('support') });
      return response.status === 200 ? ((await response.json()) as { ticket: { status: string }; messages: { body: string }[] }) : undefined;
    }, 'the message to be worked once a worker runs');
    expect(detail.messages.map((message) => message.body)).toEqual(['anyone there?']);
    expect(detail.ticket.status).toBe('open');
  });
});
