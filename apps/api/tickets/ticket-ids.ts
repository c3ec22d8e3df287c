import type { Channel } from '../../../libs/domain/channel-policy.js';
import { parseTicketId } from '../../../libs/temporal/workflow-ids.js';
import { ApiError } from '../common/api-error.js';

/**
 * A ticket id carries its account (see libs/temporal/workflow-ids.ts), so access is decided
 * before any lookup: another account's ticket is a 404, indistinguishable from a missing one.
 * Returns the ticket's channel.
 */
export function assertTicketOfAccount(ticketId: string, accountId: string): Channel {
  const parsed = parseTicketId(ticketId);
  if (!parsed || parsed.accountId !== accountId) throw ApiError.notFound(`ticket ${ticketId} not found`);
  return parsed.channel;
}
