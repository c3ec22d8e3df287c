import { Account } from './account.entity.js';
import { ApiToken } from './api-token.entity.js';
import { RoundTrip } from './round-trip.entity.js';
import { ChatConversation, Message, Notification, SavedView, Ticket, TicketEventRecord, TicketRead } from './ticket.entity.js';
import { User } from './user.entity.js';

export { ChatConversation, Message, Notification, RoundTrip, SavedView, Ticket, TicketEventRecord, TicketRead };
export { Account, ApiToken, User };
export type { ApiTokenKind } from './api-token.entity.js';

export const ENTITIES = [
  RoundTrip,
  Ticket,
  Message,
  TicketEventRecord,
  Notification,
  TicketRead,
  ChatConversation,
  SavedView,
  Account,
  User,
  ApiToken,
];
