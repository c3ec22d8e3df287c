import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { LiveStreamsService, MAX_REPLAY } from './live-streams.service.js';

const LAST_EVENT_ID_HEADER = 'Last-Event-ID';

const STREAM_DESCRIPTION = [
  'Server-sent events of the caller\'s account, pushed as the projections change (no polling). The stream starts with',
  '`retry: 2000`; a `: keep-alive` comment comes every 20 s. Each replayable event is `id: <id>`, `event: <kind>`,',
  '`data: <JSON>`; ids grow and are never skipped, so a client that reconnects with `Last-Event-ID` (EventSource does it',
  'itself; `?lastEventId=` for a first connect) gets exactly what it missed, in order, then live ones.',
  '',
  'Kinds:',
  '- `ticket`: a ticket was created or changed: `{ticketId, channel, status, previousStatus, assigneeId, previousAssigneeId,',
  '  tags, version, created, updatedAt}` (`previousStatus` and `previousAssigneeId` are null when `created` is true).',
  '- `message`: a message was stored, or its delivery status changed: `{ticketId, messageId, direction, deliveryStatus, created}`.',
  '- `read`: an agent marked a ticket read: `{ticketId, userId}`.',
  '- `unread` (no id: computed, not replayed): `{count, enabled}` as GET /me/unread-count answers, at connect and when it changes.',
  `- \`reset\` (data \`{}\`): the missed events cannot be replayed (more than ${MAX_REPLAY}, or older than the 3 days kept):`,
  '  refetch what is shown; its id is where the stream goes on from.',
  'Without Last-Event-ID the stream starts with only new events, after an `id:` line without data (the point to resume from).',
].join('\n');

/** The agent's live updates (docs/architecture.md, "Live updates"). */
@ApiTags('inbox')
@ApiBearerAuth()
@Controller('me')
export class LiveController {
  constructor(private readonly live: LiveStreamsService) {}

  @Get('stream')
  @ApiOperation({ summary: 'Live updates of my account: server-sent events `ticket`, `message`, `read`, `unread`, `reset`', description: STREAM_DESCRIPTION })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: LAST_EVENT_ID_HEADER, required: false, description: 'The id of the last event received: the stream replays what came after it' })
  @ApiQuery({ name: 'lastEventId', required: false, type: String, description: 'Last-Event-ID for clients that cannot set headers (EventSource\'s first connect); the header wins' })
  @ApiOkResponse({
    description: 'An endless text/event-stream (see the description for the event kinds and their data)',
    content: { 'text/event-stream': { schema: { type: 'string', example: 'retry: 2000\n\nid: 42\nevent: ticket\ndata: {"ticketId":"ticket-sms-…","status":"open",…}\n\n' } } },
  })
  async stream(
    @CurrentPrincipal() principal: AgentPrincipal,
    @Req() request: Request,
    @Res() response: Response,
    @Headers(LAST_EVENT_ID_HEADER) lastEventIdHeader?: string,
    @Query('lastEventId') lastEventIdQuery?: string,
  ): Promise<void> {
    const lastEventId = LiveStreamsService.parseLastEventId(lastEventIdHeader, lastEventIdQuery);
    await this.live.open(principal, lastEventId, request, response);
  }
}
