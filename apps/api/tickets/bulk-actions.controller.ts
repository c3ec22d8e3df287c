import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiError, type ApiErrorBody } from '../common/api-error.js';
import { TicketActionsService, type RequestedAction } from './ticket-actions.service.js';
import { BulkActionBody, BulkActionSpec, BulkResultDto, type BulkResultItemDto } from './ticket.dto.js';

/** Tickets are worked a few at a time: each is its own workflow, and the worker pool is shared. */
const CONCURRENT_TICKETS = 4;

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets/bulk')
export class BulkActionsController {
  constructor(private readonly actions: TicketActionsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply one action (assign, tag, snooze, close, reopen…) to many tickets; each ticket\'s result is reported' })
  @ApiOkResponse({ type: BulkResultDto, description: 'A result per ticket: applied (ticket), pending (accepted, will be applied: pending and actionId) or the error' })
  async apply(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: BulkActionBody): Promise<BulkResultDto> {
    const action = toAgentAction(body.action, principal.user.id);
    const ticketIds = [...new Set(body.ticketIds)];
    const results: BulkResultItemDto[] = new Array(ticketIds.length);
    let next = 0;
    const work = async () => {
      while (next < ticketIds.length) {
        const index = next++;
        const ticketId = ticketIds[index]!;
        try {
          const result = await this.actions.act({ accountId: principal.accountId, userId: principal.user.id }, ticketId, action);
          // Pending: the ticket accepted the action and will apply it (GET /tickets/:ticketId/actions/:actionId).
          results[index] = result.status === 'applied' ? { ticketId, ok: true, ticket: result.ticket } : { ticketId, ok: true, pending: true, actionId: result.actionId };
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          results[index] = { ticketId, ok: false, error: error.getResponse() as ApiErrorBody };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_TICKETS, ticketIds.length) }, work));
    return { results };
  }
}

function toAgentAction(spec: BulkActionSpec, currentUserId: string): RequestedAction {
  switch (spec.type) {
    case 'assign':
      if (!spec.assigneeId) throw ApiError.badRequest('action.assigneeId is required to assign', 'action.assigneeId');
      return { type: 'assign', assigneeId: spec.assigneeId === 'me' ? currentUserId : spec.assigneeId };
    case 'tag':
      if (!spec.add?.length && !spec.remove?.length) throw ApiError.badRequest('action.add or action.remove must list tags', 'action.add');
      return { type: 'tag', add: spec.add ?? [], remove: spec.remove ?? [] };
    case 'snooze':
      if (!spec.until) throw ApiError.badRequest('action.until is required to snooze', 'action.until');
      return { type: 'snooze', until: spec.until };
    case 'set_priority':
      if (!spec.priority) throw ApiError.badRequest('action.priority is required to set the priority', 'action.priority');
      return { type: 'set_priority', priority: spec.priority };
    default:
      return { type: spec.type };
  }
}
