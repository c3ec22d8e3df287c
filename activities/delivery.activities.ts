import { ApplicationFailure } from '@temporalio/common';
import type { Channel } from '../libs/domain/channel-policy.js';
import { Message, Ticket } from '../libs/persistence/entities/index.js';
import { storableText } from '../libs/persistence/storable-text.js';
import type { DeliveryResult } from './delivery/outbound-transport.js';
import type { ActivityDependencies } from './dependencies.js';

export function createDeliveryActivities({ orm, transports }: ActivityDependencies) {
  return {
    /**
     * Sends one stored outbound message on its ticket's channel. A message whose delivery is already
     * recorded is never handed to a transport again, so retries do not send twice. A refusal the
     * provider means for good comes back as `failed` with its reason; a passing failure (a 5xx, a
     * timeout, SMTP 4xx) is written on the message while it is retried, and thrown for the retry.
     */
    async deliverOutboundMessage(input: { messageId: string }): Promise<{ status: string; error?: string }> {
      const em = orm.em.fork();
      const message = await em.findOne(Message, { id: input.messageId });
      if (!message) throw ApplicationFailure.nonRetryable(`outbound message ${input.messageId} does not exist`, 'MessageNotFound');
      if (message.deliveryStatus !== 'pending') return { status: message.deliveryStatus ?? 'unknown' };
      const ticket = await em.findOneOrFail(Ticket, { id: message.ticketId });
      const channel = ticket.channel as Channel;
      const transport = transports[channel];
      let result: DeliveryResult;
      try {
        result = transport
          ? await transport.deliver({ messageId: message.id, ticketId: ticket.id, accountId: ticket.accountId, channel, body: message.body })
          : { status: 'failed', error: `no ${channel} transport is configured` };
      } catch (error) {
        const reason = storableText(error instanceof Error ? error.message : String(error));
        await em.execute(`UPDATE messages SET delivery_error = ? WHERE id = ? AND delivery_status = 'pending'`, [`retrying after ${reason}`, message.id]);
        throw error;
      }
      await em.execute(
        `UPDATE messages SET delivery_status = ?, delivery_error = ?, external_id = COALESCE(?, external_id)
         WHERE id = ? AND delivery_status = 'pending'`,
        [result.status, result.status === 'failed' ? storableText(result.error) : null, result.status === 'failed' ? null : result.externalId, message.id],
      );
      return result.status === 'failed' ? { status: 'failed', error: result.error } : { status: result.status };
    },
  };
}
