import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { AgentAction, TicketState } from '../../../libs/domain/ticket.js';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiErrorBody } from '../common/api-error.js';
import { TicketActionsService } from './ticket-actions.service.js';
import { TicketQueriesService } from './ticket-queries.service.js';
import {
  AssignBody,
  MessagePageDto,
  MessagePageQuery,
  ReplyBody,
  ReplyResultDto,
  SnoozeBody,
  TagsBody,
  TicketDetailDto,
  TicketListQuery,
  TicketPageDto,
  TicketStateDto,
} from './ticket.dto.js';

const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'Repeat a request with the same key and it is applied once' };

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets')
export class TicketsController {
  constructor(
    private readonly queries: TicketQueriesService,
    private readonly actions: TicketActionsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List tickets of a view (all, mine, unassigned) with filters, sorting and cursor paging' })
  @ApiOkResponse({ type: TicketPageDto })
  list(@CurrentPrincipal() principal: AgentPrincipal, @Query() query: TicketListQuery): Promise<TicketPageDto> {
    return this.queries.list(principal.accountId, principal.user.id, query);
  }

  @Get(':ticketId')
  @ApiOperation({ summary: 'One ticket: overview and its last 50 messages' })
  @ApiOkResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  async detail(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string): Promise<TicketDetailDto> {
    const ticket = await this.queries.get(principal.accountId, principal.user.id, ticketId);
    const { messages, olderCursor } = await this.queries.messages(principal.accountId, ticketId, { limit: 50 });
    return { ticket, messages, olderCursor };
  }

  @Get(':ticketId/messages')
  @ApiOperation({ summary: 'Older messages of a ticket, page by page' })
  @ApiOkResponse({ type: MessagePageDto })
  async messages(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Query() query: MessagePageQuery): Promise<MessagePageDto> {
    await this.queries.get(principal.accountId, principal.user.id, ticketId);
    return this.queries.messages(principal.accountId, ticketId, query);
  }

  @Post(':ticketId/assign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign the ticket to an agent ("me" for yourself)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOkResponse({ type: TicketStateDto })
  assign(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Body() body: AssignBody, @Headers('idempotency-key') key?: string) {
    const assigneeId = body.assigneeId === 'me' ? principal.user.id : body.assigneeId;
    return this.act(principal, ticketId, { type: 'assign', assigneeId }, key);
  }

  @Post(':ticketId/unassign')
  @HttpCode(200)
  @ApiOkResponse({ type: TicketStateDto })
  unassign(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Headers('idempotency-key') key?: string) {
    return this.act(principal, ticketId, { type: 'unassign' }, key);
  }

  @Post(':ticketId/tags')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add and/or remove tags' })
  @ApiOkResponse({ type: TicketStateDto })
  tags(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Body() body: TagsBody, @Headers('idempotency-key') key?: string) {
    return this.act(principal, ticketId, { type: 'tag', add: body.add ?? [], remove: body.remove ?? [] }, key);
  }

  @Post(':ticketId/snooze')
  @HttpCode(200)
  @ApiOperation({ summary: 'Snooze until a time, or change the time of a snoozed ticket' })
  @ApiOkResponse({ type: TicketStateDto })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'The ticket cannot be snoozed now (closed, or the time has passed)' })
  snooze(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Body() body: SnoozeBody, @Headers('idempotency-key') key?: string) {
    return this.act(principal, ticketId, { type: 'snooze', until: body.until }, key);
  }

  @Delete(':ticketId/snooze')
  @ApiOperation({ summary: 'Cancel the snooze: the ticket is open again' })
  @ApiOkResponse({ type: TicketStateDto })
  cancelSnooze(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Headers('idempotency-key') key?: string) {
    return this.act(principal, ticketId, { type: 'cancel_snooze' }, key);
  }

  @Post(':ticketId/close')
  @HttpCode(200)
  @ApiOkResponse({ type: TicketStateDto })
  close(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Headers('idempotency-key') key?: string) {
    return this.act(principal, ticketId, { type: 'close' }, key);
  }

  @Post(':ticketId/reopen')
  @HttpCode(200)
  @ApiOkResponse({ type: TicketStateDto })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'A closed web chat ticket never reopens' })
  reopen(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Headers('idempotency-key') key?: string) {
    return this.act(principal, ticketId, { type: 'reopen' }, key);
  }

  @Post(':ticketId/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark the ticket read for me' })
  @ApiOkResponse({ type: TicketStateDto })
  markRead(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Headers('idempotency-key') key?: string) {
    return this.act(principal, ticketId, { type: 'mark_read' }, key);
  }

  @Post(':ticketId/replies')
  @ApiOperation({ summary: 'Reply to the customer on the ticket\'s channel; sent exactly once' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOkResponse({ type: ReplyResultDto })
  @ApiServiceUnavailableResponse({ type: ApiErrorBody, description: 'No worker answered in time; retry with the same Idempotency-Key' })
  async reply(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Body() body: ReplyBody, @Headers('idempotency-key') key?: string): Promise<ReplyResultDto> {
    const messageId = this.actions.replyMessageId(ticketId, key);
    const ticket = await this.act(principal, ticketId, { type: 'reply', messageId, body: body.body }, key);
    return { messageId, ticket };
  }

  private act(principal: AgentPrincipal, ticketId: string, action: AgentAction, idempotencyKey?: string): Promise<TicketState> {
    return this.actions.act({ accountId: principal.accountId, userId: principal.user.id }, ticketId, action, idempotencyKey);
  }
}
