import { Body, Controller, Get, Header, Headers, HttpCode, Inject, Param, Post, Query, Req, Res, type OnModuleDestroy } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_CSAT_COMMENT_LENGTH } from '../../../../libs/domain/csat.js';
import type { Request, Response } from 'express';
import { Public, VisitorToken } from '../../auth/principal.js';
import { ApiErrorBody } from '../../common/api-error.js';
import { WithoutErrorResponses } from '../../common/error-responses.js';
import { RateLimited } from '../../rate-limits/rate-limited.decorator.js';
import { chatWidgetScript } from './widget/chat-widget.js';
import { WebChatService, type ChatMessageView, type ConversationStatus } from './web-chat.service.js';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

class StartConversationBody {
  @ApiProperty({ description: 'The account whose widget this is (the id in the widget\'s script tag)' }) @IsString() @IsNotEmpty() @MaxLength(100) accountId!: string;
  @ApiProperty({ description: 'The browser\'s visitor id (random, kept by the widget)' }) @IsString() @Matches(ID_PATTERN, { message: 'visitorId must be 1 to 100 letters, digits, - or _' }) visitorId!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ description: 'Where the offline follow-up goes' }) @IsOptional() @IsEmail() email?: string;
}

class StartedConversationDto {
  @ApiProperty() conversationId!: string;
  @ApiProperty({ description: 'Send as "Authorization: Bearer <token>" (or ?token= on the event stream)' }) visitorToken!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

class ChatMessageBody {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(10000) body!: string;
  @ApiProperty({ description: 'The widget\'s id of the message; a retry with the same id is one message' })
  @IsString() @Matches(ID_PATTERN, { message: 'clientMessageId must be 1 to 100 letters, digits, - or _' }) clientMessageId!: string;
}

class PostedMessageDto {
  @ApiProperty() messageId!: string;
}

class HeartbeatBody {
  @ApiPropertyOptional({ enum: ['online', 'offline'], description: '"offline" when the page is closed; default online' }) @IsOptional() @IsIn(['online', 'offline']) presence?: 'online' | 'offline';
  @ApiPropertyOptional() @IsOptional() @IsBoolean() typing?: boolean;
  @ApiPropertyOptional({ description: 'The newest agent or system message shown to the visitor' }) @IsOptional() @IsString() @MaxLength(200) seenUpToMessageId?: string;
}

class ChatSurveyDto {
  @ApiProperty({ nullable: true, type: 'integer', minimum: 1, maximum: 5, description: 'The rating given so far; null: not yet' }) score!: number | null;
}

class ChatRatingBody {
  @ApiProperty({ description: 'The survey message (its `survey` is set)' }) @IsString() @IsNotEmpty() @MaxLength(200) messageId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) score!: number;
  @ApiPropertyOptional({ maxLength: MAX_CSAT_COMMENT_LENGTH }) @IsOptional() @IsString() @MaxLength(MAX_CSAT_COMMENT_LENGTH) comment?: string;
}

class ChatRatingDto {
  @ApiProperty({ type: 'integer' }) score!: number;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
  @ApiProperty({ format: 'date-time' }) answeredAt!: string;
}

class ChatMessageDto implements ChatMessageView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['visitor', 'agent', 'system'] }) from!: 'visitor' | 'agent' | 'system';
  @ApiProperty({ nullable: true, type: String }) authorName!: string | null;
  @ApiProperty() body!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ type: ChatSurveyDto, description: 'Set on a satisfaction survey: show a 1–5 rating (POST …/rating)' }) survey?: ChatSurveyDto;
}

class ConversationDto {
  @ApiProperty({ enum: ['new', 'open', 'closed'], description: 'closed: start a new conversation' }) status!: ConversationStatus;
  @ApiProperty() agentTyping!: boolean;
  @ApiProperty({ type: [ChatMessageDto] }) messages!: ChatMessageDto[];
}

/** How often the event stream looks for news, and how often it proves it is alive to proxies. */
const STREAM_POLL_MS = 1000;
const STREAM_KEEPALIVE_MS = 15000;

const bearer = (authorization: string | undefined, query: string | undefined) => /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? query;

/**
 * The customer-facing chat API used by the widget (public routes: the signed visitor token is the
 * credential). Messages enter through InboundIngestion like every channel's.
 */
@ApiTags('web chat (customers)')
@Controller('chat')
export class ChatController implements OnModuleDestroy {
  /** Set when the API shuts down: open event streams end, so the HTTP server can close. */
  private closing = false;

  constructor(@Inject(WebChatService) private readonly chat: WebChatService) {}

  onModuleDestroy(): void {
    this.closing = true;
  }

  @Get('widget.js')
  @Public()
  @WithoutErrorResponses(503)
  @Header('content-type', 'application/javascript; charset=utf-8')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'The embeddable widget: <script src=".../chat/widget.js" data-account="<account id>" async></script>' })
  widget(): string {
    return chatWidgetScript();
  }

  @Post('conversations')
  @Public()
  @RateLimited('chatStartsPerIp', 'chatStartsPerAccount')
  @ApiOperation({ summary: 'Start a conversation; it becomes a ticket with its first message' })
  @ApiCreatedResponse({ type: StartedConversationDto })
  start(@Body() body: StartConversationBody): Promise<StartedConversationDto> {
    return this.chat.start(body);
  }

  @Get('conversations/:conversationId')
  @VisitorToken()
  @ApiOperation({ summary: 'The conversation so far (polling fallback of the event stream)' })
  @ApiOkResponse({ type: ConversationDto })
  async conversation(@Param('conversationId') id: string, @Headers('authorization') authorization?: string, @Query('token') token?: string): Promise<ConversationDto> {
    const conversation = await this.chat.authorize(bearer(authorization, token), id);
    const { agentTyping } = await this.chat.streamState(conversation);
    return { status: await this.chat.status(conversation), agentTyping, messages: await this.chat.messages(conversation) };
  }

  @Post('conversations/:conversationId/messages')
  @VisitorToken()
  @RateLimited('chatMessagesPerConversation', 'chatMessagesPerIp', 'chatMessagesPerAccount')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send the visitor\'s message' })
  @ApiAcceptedResponse({ type: PostedMessageDto })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'conversation_closed: the conversation is closed; start a new one' })
  async post(@Param('conversationId') id: string, @Body() body: ChatMessageBody, @Headers('authorization') authorization?: string, @Query('token') token?: string): Promise<PostedMessageDto> {
    return this.chat.post(await this.chat.authorize(bearer(authorization, token), id), body);
  }

  @Post('conversations/:conversationId/rating')
  @VisitorToken()
  @RateLimited('csatAnswersPerIp')
  @ApiOperation({ summary: 'The visitor rates the conversation (1–5, with a comment) on its satisfaction survey message; a second rating replaces the first' })
  @ApiCreatedResponse({ type: ChatRatingDto })
  async rate(@Param('conversationId') id: string, @Body() body: ChatRatingBody, @Headers('authorization') authorization?: string, @Query('token') token?: string): Promise<ChatRatingDto> {
    const conversation = await this.chat.authorize(bearer(authorization, token), id);
    return this.chat.rate(conversation, { messageId: body.messageId, score: body.score, comment: body.comment?.trim() || null });
  }

  @Post('conversations/:conversationId/heartbeat')
  @VisitorToken()
  @HttpCode(204)
  @ApiOperation({ summary: 'Presence (every 15 s while the page is open; "offline" on leaving), typing, and what the visitor has seen' })
  async heartbeat(@Param('conversationId') id: string, @Body() body: HeartbeatBody, @Headers('authorization') authorization?: string, @Query('token') token?: string): Promise<void> {
    const conversation = await this.chat.authorize(bearer(authorization, token), id);
    await this.chat.heartbeat(conversation, { presence: body.presence ?? 'online', typing: body.typing ?? false, seenUpToMessageId: body.seenUpToMessageId ?? null });
  }

  @Get('conversations/:conversationId/events')
  @VisitorToken()
  @ApiOperation({ summary: 'Server-sent events: `message` (the conversation so far, then each new one), `status` and `typing`; token in ?token=' })
  async events(@Param('conversationId') id: string, @Req() request: Request, @Res() response: Response, @Headers('authorization') authorization?: string, @Query('token') token?: string): Promise<void> {
    let conversation = await this.chat.authorize(bearer(authorization, token), id);
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    response.write('retry: 3000\n\n');
    let open = true;
    request.on('close', () => {
      open = false;
    });
    const sent = new Set<string>();
    let lastStatus: ConversationStatus | undefined;
    let lastAgentTyping = false;
    let lastWrite = Date.now();
    const write = (chunk: string) => {
      response.write(chunk);
      lastWrite = Date.now();
    };
    try {
      while (open && !this.closing) {
        if (!conversation.ticket_id) conversation = await this.chat.authorize(bearer(authorization, token), id);
        for (const message of await this.chat.messages(conversation)) {
          if (sent.has(message.id)) continue;
          sent.add(message.id);
          write(`id: ${message.id}\nevent: message\ndata: ${JSON.stringify(message)}\n\n`);
        }
        const { status, agentTyping } = await this.chat.streamState(conversation);
        if (status !== lastStatus) write(`event: status\ndata: ${JSON.stringify({ status })}\n\n`);
        if (agentTyping !== lastAgentTyping) write(`event: typing\ndata: ${JSON.stringify({ agentTyping })}\n\n`);
        lastStatus = status;
        lastAgentTyping = agentTyping;
        if (Date.now() - lastWrite >= STREAM_KEEPALIVE_MS) write(': keep-alive\n\n');
        await new Promise((resolve) => setTimeout(resolve, STREAM_POLL_MS));
      }
    } catch {
      // the database went away (shutdown): the widget reconnects or falls back to polling
    } finally {
      response.end();
    }
  }
}
