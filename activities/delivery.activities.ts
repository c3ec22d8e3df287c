import { Message, Ticket } from '../libs/persistence/entities/index.js';
import type { Channel } from '../libs/domain/channel-policy.js';
import type { DeliveryResult } from './delivery/outbound-transport.js';
import type { ActivityDependencies } from './dependencies.js';

export function createDeliveryActivities({ orm, transports }: ActivityDependencies) {
  return {
    /**
     * Sends one stored outbound message on its ticket's channel. A message whose delivery is
     * already recorded is never handed to a transport again, so retries do not send twice.
     */
    async deliverOutboundMessage(input: { messageId: string }): Promise<{ status: string }> {
      const em = orm.em.fork();
      const message = await em.findOneOrFail(Message, { id: input.messageId });
      if (message.deliveryStatus !== 'pending') return { status: message.deliveryStatus ?? 'unknown' };
      const ticket = await em.findOneOrFail(Ticket, { id: message.ticketId });
      const channel = ticket.channel as Channel;
      const transport = transports[channel];
      const result: DeliveryResult = transport
        ? await transport.deliver({ messageId: message.id, ticketId: ticket.id, accountId: ticket.accountId, channel, body: message.body })
        : { status: 'failed', error: `no ${channel} transport is configured` };
      await em.execute(
        `UPDATE messages SET delivery_status = ?, delivery_error = ?, external_id = COALESCE(?, external_id)
         WHERE id = ? AND delivery_status = 'pending'`,
        [result.status, result.status === 'failed' ? result.error : null, result.status === 'failed' ? null : result.externalId, message.id],
      );
      return { status: result.status };
    },
  };
}
