import type { InboundMessage } from '../libs/temporal/contracts/ticket.js';
import type { ActivityDependencies } from './dependencies.js';

export function createIngestionActivities({ ingestion }: ActivityDependencies) {
  return {
    /** A message reached a closed web-chat ticket: it goes to the conversation's next ticket, never back to this one. */
    async forwardChatMessage(input: { message: InboundMessage; closedTicketId: string }): Promise<{ ticketId: string }> {
      const { ticketId } = await ingestion.forwardFromClosedChat(input.message, input.closedTicketId);
      return { ticketId };
    },

    /** Runs recorded before the command loop forwarded with this one (it could signal the closed ticket again). */
    async forwardToNewChatTicket(message: InboundMessage): Promise<{ ticketId: string }> {
      const { ticketId } = await ingestion.ingest(message);
      return { ticketId };
    },
  };
}
