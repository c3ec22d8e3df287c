import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AGENT_TYPING_SHOWN_MS, AGENT_VIEWING_SHOWN_MS } from '../../../libs/domain/agent-presence.js';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiErrorBody } from '../common/api-error.js';
import { PresenceBeatBody, TicketPresenceDto } from './presence.dto.js';
import { PresenceService } from './presence.service.js';

const NOT_FOUND = { type: ApiErrorBody, description: "No such ticket in the caller's account" };

/** Which agents have a ticket open and who is typing a reply (docs/console.md, "Presence"). */
@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets/:ticketId/presence')
export class PresenceController {
  constructor(private readonly presence: PresenceService) {}

  @Post()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Heartbeat: I have this ticket open (and maybe am typing)',
    description: `Send every 10 s while the ticket is open and visible, and at once with typing: true when typing starts. Other agents see you for ${AGENT_VIEWING_SHOWN_MS / 1000} s after a beat, typing for ${AGENT_TYPING_SHOWN_MS / 1000} s after a typing beat.`,
  })
  @ApiNoContentResponse({ description: 'Recorded' })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'typing is not a boolean; `field` names it' })
  @ApiNotFoundResponse(NOT_FOUND)
  async beat(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Body() body: PresenceBeatBody): Promise<void> {
    await this.presence.beat(principal.accountId, principal.user.id, ticketId, body.typing);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'I left the ticket page: other agents stop seeing me at once' })
  @ApiNoContentResponse({ description: 'Gone (also when there was no heartbeat)' })
  @ApiNotFoundResponse(NOT_FOUND)
  async leave(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string): Promise<void> {
    await this.presence.leave(principal.accountId, principal.user.id, ticketId);
  }

  @Get()
  @ApiOperation({ summary: `The other agents on this ticket: seen within ${AGENT_VIEWING_SHOWN_MS / 1000} s, and whether typing (never the caller)` })
  @ApiOkResponse({ type: TicketPresenceDto })
  @ApiNotFoundResponse(NOT_FOUND)
  async others(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string): Promise<TicketPresenceDto> {
    return { agents: await this.presence.others(principal.accountId, principal.user.id, ticketId) };
  }
}
