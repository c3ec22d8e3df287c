import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { replyOf } from '../../../libs/domain/ticket.js';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiErrorBody } from '../common/api-error.js';
import { IDEMPOTENCY_KEY_HEADER } from '../tickets/idempotency-keys.service.js';
import { actionOutcomePath } from '../tickets/ticket-actions.service.js';
import { ActionPendingDto } from '../tickets/ticket.dto.js';
import { MacroApplyResultDto, MacroBody, MacroDto, MacroListDto } from './macros.dto.js';
import { MacrosService } from './macros.service.js';

const INVALID_MACRO = {
  type: ApiErrorBody,
  description: 'validation_failed: `field` names the problem, e.g. `name`, `reply` (an unknown variable, named in the message), `actions[2].add`, `actions[0].for`, `actions[1].assigneeId` (no active inbox user of that id)',
};
const WRITE_FORBIDDEN = { type: ApiErrorBody, description: 'forbidden: shared macros are created and changed by owners, admins and managers' };
const NAME_TAKEN = { type: ApiErrorBody, description: 'name_taken: you have a personal macro of this name, or the account a shared one (regardless of case)' };
const ACTION_ID_HEADER = { 'Action-Id': { description: 'The action id (read its outcome at GET /tickets/{ticketId}/actions/{actionId})', schema: { type: 'string' } } };

/**
 * Macros (docs/macros.md): saved replies with variables and actions. You see your personal macros and the
 * account's shared ones; applying one is one agent action on the ticket, all of its steps or none.
 */
@ApiTags('macros')
@ApiBearerAuth()
@Controller()
export class MacrosController {
  constructor(private readonly macros: MacrosService) {}

  @Get('macros')
  @ApiOperation({ summary: 'Your personal macros and the account\'s shared ones, with their usage counts' })
  @ApiOkResponse({ type: MacroListDto })
  async list(@CurrentPrincipal() principal: AgentPrincipal): Promise<MacroListDto> {
    return { macros: await this.macros.list(principal) };
  }

  @Post('macros')
  @ApiOperation({ summary: 'Save a macro: personal, or shared (owners, admins and managers)' })
  @ApiCreatedResponse({ type: MacroDto })
  @ApiBadRequestResponse(INVALID_MACRO)
  @ApiForbiddenResponse(WRITE_FORBIDDEN)
  @ApiConflictResponse(NAME_TAKEN)
  create(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: MacroBody): Promise<MacroDto> {
    return this.macros.create(principal, body);
  }

  @Get('macros/:macroId')
  @ApiOkResponse({ type: MacroDto })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such macro, or another user\'s personal macro' })
  get(@CurrentPrincipal() principal: AgentPrincipal, @Param('macroId') macroId: string): Promise<MacroDto> {
    return this.macros.find(principal, macroId);
  }

  @Put('macros/:macroId')
  @ApiOperation({ summary: 'Replace a macro (a personal one: its owner; a shared one: owners, admins and managers)' })
  @ApiOkResponse({ type: MacroDto })
  @ApiBadRequestResponse(INVALID_MACRO)
  @ApiForbiddenResponse(WRITE_FORBIDDEN)
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such macro, or another user\'s personal macro' })
  @ApiConflictResponse(NAME_TAKEN)
  replace(@CurrentPrincipal() principal: AgentPrincipal, @Param('macroId') macroId: string, @Body() body: MacroBody): Promise<MacroDto> {
    return this.macros.replace(principal, macroId, body);
  }

  @Delete('macros/:macroId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a macro (same rights as changing it)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiForbiddenResponse(WRITE_FORBIDDEN)
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such macro, or another user\'s personal macro' })
  remove(@CurrentPrincipal() principal: AgentPrincipal, @Param('macroId') macroId: string): Promise<void> {
    return this.macros.remove(principal, macroId);
  }

  @Post('tickets/:ticketId/macros/:macroId/apply')
  @ApiTags('tickets')
  @ApiOperation({ summary: 'Apply a macro to the ticket: its reply (variables filled in) and its actions, all or nothing' })
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description: 'Up to 255 characters, remembered 24 hours for you: a retry with the same key is the same action (the same reply and snooze deadline) and gets its outcome; it is counted once',
  })
  @ApiCreatedResponse({ type: MacroApplyResultDto, description: 'Applied, and the macro replied: the message id and the ticket\'s new state', headers: ACTION_ID_HEADER })
  @ApiOkResponse({ type: MacroApplyResultDto, description: 'Applied (a macro without a reply): the ticket\'s new state', headers: ACTION_ID_HEADER })
  @ApiAcceptedResponse({
    type: ActionPendingDto,
    description: 'Accepted by the ticket, so it will be applied, but not finished in time: read the outcome at Location',
    headers: { ...ACTION_ID_HEADER, Location: { description: 'The outcome URL', schema: { type: 'string' } } },
  })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such ticket or macro (or another user\'s personal macro)' })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'action_refused (or sms_consent_missing): a step cannot be applied, named in the message ("step 2 (assign): …"); nothing was applied' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'idempotency_key_reused: the key was used for another request' })
  @ApiServiceUnavailableResponse({ type: ApiErrorBody, description: 'No worker accepted the action in time: it is not known to be applied; retrying with the same Idempotency-Key is safe' })
  async apply(
    @CurrentPrincipal() principal: AgentPrincipal,
    @Param('ticketId') ticketId: string,
    @Param('macroId') macroId: string,
    @Res() res: Response,
    @Headers(IDEMPOTENCY_KEY_HEADER) key?: string,
  ): Promise<void> {
    const result = await this.macros.apply(principal, ticketId, macroId, key, (actionId) => res.setHeader('Action-Id', actionId));
    if (result.status === 'pending') {
      const outcomeUrl = actionOutcomePath(ticketId, result.actionId);
      const pending: ActionPendingDto = { actionId: result.actionId, ticketId, status: 'pending', outcomeUrl };
      res.status(202).location(outcomeUrl).json(pending);
      return;
    }
    const reply = replyOf(result.action);
    const body: MacroApplyResultDto = { macroId, ...(reply ? { messageId: reply.messageId } : {}), ticket: result.ticket };
    res.status(reply ? 201 : 200).json(body);
  }
}
