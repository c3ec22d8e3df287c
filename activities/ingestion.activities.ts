import type { InboundMessage } from '../libs/temporal/contracts/ticket.js';
import type { ActivityDependencies } from './dependencies.js';

export function createIngestionActivities({ ingestion }: ActivityDependencies) {
  return {
    /** A message reached a web-chat ticket that had just closed: it goes to the conversation's next ticket. */
    async forwardToNewChatTicket(message: InboundMessage): Promise<{ ticketId: string }> {
      const { ticketId } = await ingestion.ingest(message);
      return { ticketId };
    },
  };
}
