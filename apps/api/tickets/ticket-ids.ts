import { isTicketId } from '../../../libs/temporal/workflow-ids.js';
import { ApiError } from '../common/api-error.js';

/**
 * A ticket id carries its account (see libs/temporal/workflow-ids.ts), so access is decided
 * before any lookup: another account's ticket is a 404, indistinguishable from a missing one.
 */
export function assertTicketOfAccount(ticketId: string, accountId: string): void {
  if (!isTicketId(ticketId) || !ticketId.startsWith(`ticket-${ticketId.split('-')[1]}-${accountId}-`)) {
    throw ApiError.notFound(`ticket ${ticketId} not found`);
  }
}
