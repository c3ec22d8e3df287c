import { applyDecorators, Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { ProfilesService } from '../profiles/profiles.service.js';
import { IDEMPOTENCY_KEY_HEADER } from './idempotency-keys.service.js';
import { actionOutcomePath, TicketActionsService, type ActionResult, type RequestedAction } from './ticket-actions.service.js';
import { TicketQueriesService } from './ticket-queries.service.js';
import {
  ActionOutcomeDto,
  ActionPendingDto,
  AssignBody,
  ConversationChangedDto,
  LinkProfileBody,
  MessagePageDto,
  MessagePageQuery,
  ReplyBody,
  ReplyResultDto,
  PriorityBody,
  SnoozeBody,
  TagsBody,
  TicketDetailDto,
  TicketListQuery,
  TicketPageDto,
  TicketSlaDto,
  TicketStateDto,
} from './ticket.dto.js';

const ACTION_ID_HEADER = { 'Action-Id': { description: 'The action id (read its outcome at GET /tickets/{ticketId}/actions/{actionId})', schema: { type: 'string' } } };

/**
 * The answers every agent action shares (docs/api.md, "Action outcomes and Idempotency-Key"): the outcome in
 * time, 202 accepted but pending, 409 refused, 422 a reused key, 503 not accepted in time.
 */
function ActionResponses(ok: { type: Function; status?: 200 | 201; description?: string }, conflict: { type: Function; description: string } = { type: ApiErrorBody, description: 'Refused by the ticket (action_refused, with the reason); nothing was applied' }) {
  const okResponse = { type: ok.type, description: ok.description ?? 'Applied: the ticket\'s new state', headers: ACTION_ID_HEADER };
  return applyDecorators(
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description: 'Up to 255 characters, remembered 24 hours for you: a retry with the same key is the same action and gets its outcome; the same key with another request is refused (422)',
    }),
    ok.status === 201 ? ApiCreatedResponse(okResponse) : ApiOkResponse(okResponse),
    ApiAcceptedResponse({
      type: ActionPendingDto,
      description: 'Accepted by the ticket, so it will be applied, but not finished in time: read the outcome at Location',
      headers: { ...ACTION_ID_HEADER, Location: { description: 'The outcome URL', schema: { type: 'string' } } },
    }),
    ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such ticket in this account' }),
    ApiConflictResponse(conflict),
    ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'idempotency_key_reused: the key was used for another request' }),
    ApiServiceUnavailableResponse({
      type: ApiErrorBody,
      description: 'No worker accepted the action in time: it is not known to be applied; retrying with the same Idempotency-Key is safe',
    }),
  );
}

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets')
export class TicketsController {
  constructor(
    private readonly queries: TicketQueriesService,
    private readonly actions: TicketActionsService,
    private readonly profiles: ProfilesService,
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

  @Get(':ticketId/sla')
  @ApiOperation({ summary: 'The ticket\'s SLA targets: running, met, missed or cancelled, with their deadlines (docs/service-levels.md)' })
  @ApiOkResponse({ type: TicketSlaDto })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  sla(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string): Promise<TicketSlaDto> {
    return this.queries.slaTargets(principal.accountId, principal.user.id, ticketId);
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
  @ActionResponses({ type: TicketStateDto })
  async assign(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Body() body: AssignBody, @Res() res: Response, @Headers(IDEMPOTENCY_KEY_HEADER) key?: string) {
    const assigneeId = body.assigneeId === 'me' ? principal.user.id : body.assigneeId;
    await this.act(res, principal, ticketId, { type: 'assign', assigneeId }, key);
  }

  @Post(':ticketId/unassign')
  @HttpCode(200)
  @ActionResponses({ type: TicketStateDto })
  async unassign(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Res() res: Response, @Headers(IDEMPOTENCY_KEY_HEADER) key?: string) {
    await this.act(res, principal, ticketId, { type: 'unassign' }, key);
  }

  @Post(':ticketId/tags')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add and/or remove tags' })
  @ActionResponses({ type: TicketStateDto })
  async tags(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Body() body: TagsBody, @Res() res: Response, @Headers(IDEMPOTENCY_KEY_HEADER) key?: string) {
    await this.act(res, principal, ticketId, { type: 'tag', add: body.add ?? [], remove: body.remove ?? [] }, key);
  }

  @Post(':ticketId/priority')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the priority: low, normal (the default), high or urgent' })
  @ActionResponses({ type: TicketStateDto })
  async priority(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Body() body: PriorityBody, @Res() res: Response, @Headers(IDEMPOTENCY_KEY_HEADER) key?: string) {
    await this.act(res, principal, ticketId, { type: 'set_priority', priority: body.priority }, key);
  }

  @Post(':ticketId/snooze')
  @HttpCode(200)
  @ApiOperation({ summary: 'Snooze until a time, or change the time of a snoozed ticket' })
  @ActionResponses({ type: TicketStateDto })
  async snooze(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Body() body: SnoozeBody, @Res() res: Response, @Headers(IDEMPOTENCY_KEY_HEADER) key?: string) {
    await this.act(res, principal, ticketId, { type: 'snooze', until: body.until }, key);
  }

  @Delete(':ticketId/snooze')
  @ApiOperation({ summary: 'Cancel the snooze: the ticket is open again' })
  @ActionResponses({ type: TicketStateDto })
  async cancelSnooze(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Res() res: Response, @Headers(IDEMPOTENCY_KEY_HEADER) key?: string) {
    await this.act(res, principal, ticketId, { type: 'cancel_snooze' }, key);
  }

  @Post(':ticketId/close')
  @HttpCode(200)
  @ActionResponses({ type: TicketStateDto })
  async close(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Res() res: Response, @Headers(IDEMPOTENCY_KEY_HEADER) key?: string) {
    await this.act(res, principal, ticketId, { type: 'close' }, key);
  }

  @Post(':ticketId/reopen')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reopen a closed ticket (a closed web chat ticket never reopens: 409)' })
  @ActionResponses({ type: TicketStateDto })
  async reopen(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Res() res: Response, @Headers(IDEMPOTENCY_KEY_HEADER) key?: string) {
    await this.act(res, principal, ticketId, { type: 'reopen' }, key);
  }

  @Post(':ticketId/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark the ticket read for me' })
  @ActionResponses({ type: TicketStateDto })
  async markRead(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Res() res: Response, @Headers(IDEMPOTENCY_KEY_HEADER) key?: string) {
    await this.act(res, principal, ticketId, { type: 'mark_read' }, key);
  }

  @Post(':ticketId/profile')
  @HttpCode(200)
  @ApiOperation({ summary: 'Link the ticket to a profile (the customer is that person); messages no longer change it' })
  @ActionResponses({ type: TicketStateDto })
  async linkProfile(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Body() body: LinkProfileBody, @Res() res: Response, @Headers(IDEMPOTENCY_KEY_HEADER) key?: string) {
    const profileId = await this.profiles.surviving(principal.accountId, body.profileId, 'profileId');
    await this.act(res, principal, ticketId, { type: 'link_profile', profileId }, key);
  }

  @Delete(':ticketId/profile')
  @ApiOperation({ summary: 'Unlink the ticket from its profile; messages no longer change it' })
  @ActionResponses({ type: TicketStateDto })
  async unlinkProfile(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Res() res: Response, @Headers(IDEMPOTENCY_KEY_HEADER) key?: string) {
    await this.act(res, principal, ticketId, { type: 'unlink_profile' }, key);
  }

  @Post(':ticketId/replies')
  @ApiOperation({ summary: 'Reply to the customer on the ticket\'s channel; sent exactly once' })
  @ActionResponses(
    { type: ReplyResultDto, status: 201, description: 'Stored (and being delivered): the message id and the ticket\'s new state' },
    { type: ConversationChangedDto, description: 'Not sent: action_refused with the reason, or conversation_changed (field seenVersion) with the customer messages and other agents\' replies since the version seen' },
  )
  async reply(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Body() body: ReplyBody, @Res() res: Response, @Headers(IDEMPOTENCY_KEY_HEADER) key?: string) {
    await this.act(res, principal, ticketId, { type: 'reply', body: body.body, seenVersion: body.seenVersion, force: body.force }, key, 201);
  }

  @Post(':ticketId/messages/:messageId/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send again an outbound message whose delivery failed; delivered once' })
  @ActionResponses({ type: ReplyResultDto, description: 'The message is pending delivery again: its id and the ticket\'s new state' })
  async retryDelivery(
    @CurrentPrincipal() principal: AgentPrincipal,
    @Param('ticketId') ticketId: string,
    @Param('messageId') messageId: string,
    @Res() res: Response,
    @Headers(IDEMPOTENCY_KEY_HEADER) key?: string,
  ) {
    await this.act(res, principal, ticketId, { type: 'retry_delivery', messageId }, key);
  }

  @Get(':ticketId/actions/:actionId')
  @ApiOperation({ summary: 'What became of an action (after a 202, or to check one whose answer was lost)' })
  @ApiOkResponse({ type: ActionOutcomeDto })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such ticket, or the ticket does not know the action (never accepted, or long ago)' })
  @ApiServiceUnavailableResponse({ type: ApiErrorBody, description: 'No worker answered the ticket\'s query in time' })
  async actionOutcome(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Param('actionId') actionId: string): Promise<ActionOutcomeDto> {
    const outcome = await this.actions.outcome(principal.accountId, ticketId, actionId);
    if (!outcome) throw ApiError.notFound(`ticket ${ticketId} does not know action ${actionId} (never accepted, or too long ago)`);
    if (outcome.status === 'applied') return { actionId, status: 'applied', ticket: outcome.ticket };
    if (outcome.status === 'refused') return { actionId, status: 'refused', reason: outcome.reason };
    return { actionId, status: 'pending' };
  }

  /** Applied: `successStatus` with the ticket (replies and retries: with the message id); pending: 202 with where to read the outcome. */
  private async act(res: Response, principal: AgentPrincipal, ticketId: string, action: RequestedAction, idempotencyKey: string | undefined, successStatus = 200): Promise<void> {
    const actor = { accountId: principal.accountId, userId: principal.user.id };
    const result: ActionResult = await this.actions.act(actor, ticketId, action, idempotencyKey, (actionId) => res.setHeader('Action-Id', actionId));
    if (result.status === 'pending') {
      const outcomeUrl = actionOutcomePath(ticketId, result.actionId);
      const pending: ActionPendingDto = { actionId: result.actionId, ticketId, status: 'pending', outcomeUrl };
      res.status(202).location(outcomeUrl).json(pending);
      return;
    }
    const messageId = result.action.type === 'reply' || result.action.type === 'retry_delivery' ? result.action.messageId : undefined;
    const body: TicketStateDto | ReplyResultDto = messageId !== undefined ? { messageId, ticket: result.ticket } : result.ticket;
    res.status(successStatus).json(body);
  }
}
