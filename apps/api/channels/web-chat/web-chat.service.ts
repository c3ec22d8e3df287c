import { csatSurveyIdOfMessage } from '../../../../libs/domain/csat.js';
import { CsatService } from '../../csat/csat.service.js';
import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { AppConfig } from '../../../../libs/config/config.js';
import { VISITOR_OFFLINE_GRACE_MS, type VisitorActivity } from '../../../../libs/domain/web-chat.js';
import { InboundIngestion, InboundMessageRejected } from '../../../../libs/ingestion/inbound-ingestion.js';
import type { Orm } from '../../../../libs/persistence/orm.js';
import { visitorActivitySignal } from '../../../../libs/temporal/contracts/ticket.js';
import { issueVisitorToken, verifyVisitorToken, type VisitorClaims } from '../../../../libs/web-chat/visitor-token.js';
import { ApiError } from '../../common/api-error.js';
import { AccountSettingsService } from '../../settings/account-settings.service.js';
import { APP_CONFIG, ORM, TEMPORAL_CLIENT } from '../../tokens.js';

/** A message as the visitor's chat shows it. */
export interface ChatMessageView {
  id: string;
  from: 'visitor' | 'agent' | 'system';
  authorName: string | null;
  body: string;
  createdAt: string;
  /** A satisfaction survey (CSAT) the widget shows as a rating: the score given so far, or null. */
  survey?: { score: number | null };
}

export type ConversationStatus = 'new' | 'open' | 'closed';

interface ConversationRow {
  id: string;
  account_id: string;
  visitor_name: string | null;
  visitor_email: string | null;
  ticket_id: string | null;
  last_signalled_at: Date | null;
  last_signalled_seen: string | null;
}

/** Heartbeats reach the ticket workflow at most this often, unless they bring news (seen, goodbye). */
const HEARTBEAT_FORWARD_INTERVAL_MS = 10_000;
/** A typing heartbeat shows "typing" to agents for this long. */
const TYPING_SHOWN_MS = 6_000;
/** The chat shows the newest messages of the conversation, at most this many. */
const MESSAGES_SHOWN = 200;

/** The customer side of web chat: conversations, messages, presence. Callers are identified by their visitor token only. */
@Injectable()
export class WebChatService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORM) private readonly orm: Orm,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(InboundIngestion) private readonly ingestion: InboundIngestion,
    private readonly settings: AccountSettingsService,
    @Inject(CsatService) private readonly csat: CsatService,
  ) {}

  private secret(): string {
    if (!this.config.chatTokenSecret) throw ApiError.unavailable('web chat is not configured: set CHAT_TOKEN_SECRET');
    return this.config.chatTokenSecret;
  }

  async start(input: { accountId: string; visitorId: string; name?: string; email?: string }): Promise<{ conversationId: string; visitorToken: string; expiresAt: string }> {
    const [account] = await this.orm.em.fork().execute('SELECT 1 FROM accounts WHERE id = ?', [input.accountId]);
    if (!account) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', `accountId: no account ${input.accountId} takes web chats`, 'accountId');
    const { webChat } = await this.settings.get(input.accountId);
    const conversationId = randomUUID();
    await this.orm.em.fork().execute(
      'INSERT INTO web_chat_conversations (id, account_id, visitor_id, visitor_name, visitor_email, created_at) VALUES (?, ?, ?, ?, ?, now())',
      [conversationId, input.accountId, input.visitorId, input.name?.trim() || null, input.email?.trim().toLowerCase() || null],
    );
    const { token, expiresAt } = issueVisitorToken(this.secret(), { accountId: input.accountId, conversationId, visitorId: input.visitorId }, webChat.visitorTokenTtlHours * 3_600_000);
    return { conversationId, visitorToken: token, expiresAt };
  }

  /** The token's conversation, which must be the one named in the path: one visitor never reaches another's. */
  async authorize(token: string | undefined, conversationId: string): Promise<ConversationRow & { claims: VisitorClaims }> {
    if (!token) throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', 'Missing visitor token: send "Authorization: Bearer <visitor token>" (or ?token= for event streams)');
    const check = verifyVisitorToken(this.secret(), token);
    if (!check.ok) throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', check.reason);
    if (check.claims.conversationId !== conversationId) throw ApiError.forbidden('this visitor token belongs to another conversation');
    const [row] = await this.orm.em
      .fork()
      .execute<ConversationRow[]>(
        'SELECT id, account_id, visitor_name, visitor_email, ticket_id, last_signalled_at, last_signalled_seen FROM web_chat_conversations WHERE id = ? AND account_id = ?',
        [conversationId, check.claims.accountId],
      );
    if (!row) throw ApiError.notFound(`conversation ${conversationId} does not exist`);
    return { ...row, claims: check.claims };
  }

  /**
   * One conversation is one ticket (SPEC §2): once it is closed (its projection says so, or its workflow
   * has ended) the conversation takes no more messages and the widget offers a new one.
   */
  async status(conversation: ConversationRow): Promise<ConversationStatus> {
    if (!conversation.ticket_id) return 'new';
    const [ticket] = await this.orm.em.fork().execute<{ status: string }[]>('SELECT status FROM tickets WHERE id = ?', [conversation.ticket_id]);
    if (ticket?.status === 'closed') return 'closed';
    try {
      const description = await this.temporal.workflow.getHandle(conversation.ticket_id).describe();
      return description.status.name === 'RUNNING' ? 'open' : 'closed';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'open'; // started moments ago and not yet visible
      throw error;
    }
  }

  async post(conversation: ConversationRow & { claims: VisitorClaims }, input: { body: string; clientMessageId: string }): Promise<{ messageId: string }> {
    if ((await this.status(conversation)) === 'closed') {
      throw ApiError.conflict('conversation_closed', 'this conversation is closed and takes no more messages; start a new conversation');
    }
    try {
      const { ticketId, messageId } = await this.ingestion.ingest({
        accountId: conversation.account_id,
        channel: 'web_chat',
        externalId: `${conversation.id}:${input.clientMessageId}`,
        body: input.body,
        sender: { name: conversation.visitor_name, email: conversation.visitor_email, visitorId: conversation.claims.visitorId },
        threadKey: conversation.id,
      });
      await this.orm.em.fork().execute('UPDATE web_chat_conversations SET ticket_id = ?, last_heartbeat_at = now() WHERE id = ?', [ticketId, conversation.id]);
      return { messageId };
    } catch (error) {
      if (error instanceof InboundMessageRejected) throw ApiError.badRequest(error.message, error.field);
      throw error;
    }
  }

  /** What the event stream reports besides messages; one cheap query (the projection, not the workflow). */
  async streamState(conversation: ConversationRow): Promise<{ status: ConversationStatus; agentTyping: boolean }> {
    const [row] = await this.orm.em.fork().execute<{ ticket_status: string | null; agent_typing: boolean }[]>(
      `SELECT t.status AS ticket_status, COALESCE(c.agent_typing_until > now(), false) AS agent_typing
       FROM web_chat_conversations c LEFT JOIN tickets t ON t.id = c.ticket_id WHERE c.id = ?`,
      [conversation.id],
    );
    const status: ConversationStatus = !conversation.ticket_id ? 'new' : row?.ticket_status === 'closed' ? 'closed' : 'open';
    return { status, agentTyping: row?.agent_typing ?? false };
  }

  /** The visitor's messages, and the agents' replies and automatic messages once delivered to the chat. */
  async messages(conversation: ConversationRow): Promise<ChatMessageView[]> {
    if (!conversation.ticket_id) return [];
    const rows = await this.orm.em.fork().execute<{ id: string; direction: string; author_user_id: string | null; author_name: string | null; body: string; created_at: Date }[]>(
      `SELECT * FROM (
         SELECT m.id, m.direction, m.author_user_id, u.name AS author_name, m.body, m.created_at FROM messages m
         LEFT JOIN users u ON u.id = m.author_user_id
         WHERE m.ticket_id = ? AND (m.direction = 'inbound' OR m.delivery_status = 'delivered')
         ORDER BY m.created_at DESC, m.id DESC LIMIT ${MESSAGES_SHOWN}
       ) newest ORDER BY created_at, id`,
      [conversation.ticket_id],
    );
    const ticketId = conversation.ticket_id;
    const scores = rows.some((row) => csatSurveyIdOfMessage(ticketId, row.id)) ? await this.csat.scoresOfTicket(ticketId) : new Map<string, number | null>();
    return rows.map((row) => {
      const surveyId = csatSurveyIdOfMessage(ticketId, row.id);
      const message: ChatMessageView = {
        id: row.id,
        from: row.direction === 'inbound' ? 'visitor' : row.author_user_id ? 'agent' : 'system',
        authorName: row.direction === 'outbound' ? row.author_name : null,
        body: row.body,
        createdAt: new Date(row.created_at).toISOString(),
      };
      if (surveyId && scores.has(surveyId)) message.survey = { score: scores.get(surveyId) ?? null };
      return message;
    });
  }

  /** The visitor's rating of a survey message of their conversation (the widget's stars); 404 for any other message. */
  async rate(conversation: ConversationRow, input: { messageId: string; score: number; comment: string | null }): Promise<{ score: number; comment: string | null; answeredAt: string }> {
    const surveyId = conversation.ticket_id ? csatSurveyIdOfMessage(conversation.ticket_id, input.messageId) : null;
    const answer = surveyId ? await this.csat.answerInTicket(conversation.ticket_id!, surveyId, input.score, input.comment) : null;
    if (!answer) throw ApiError.notFound(`message ${input.messageId} is not a survey of this conversation`);
    return answer;
  }

  /**
   * A heartbeat: typing is kept for agents to see; presence and "seen up to" go to the ticket workflow,
   * which turns missing heartbeats into "offline" itself (a durable timer), so nothing here must run on time.
   */
  async heartbeat(conversation: ConversationRow, input: { typing: boolean; presence: VisitorActivity['presence']; seenUpToMessageId: string | null }): Promise<void> {
    const em = this.orm.em.fork();
    await em.execute(
      `UPDATE web_chat_conversations SET last_heartbeat_at = CASE WHEN ? THEN now() ELSE last_heartbeat_at END,
         visitor_left_at = CASE WHEN ? THEN visitor_left_at ELSE now() END,
         visitor_typing_until = CASE WHEN ? THEN now() + (? * interval '1 millisecond') ELSE NULL END WHERE id = ?`,
      [input.presence === 'online', input.presence === 'online', input.typing, TYPING_SHOWN_MS, conversation.id],
    );
    if (!conversation.ticket_id) return;
    const seenIsNews = input.seenUpToMessageId !== null && input.seenUpToMessageId !== conversation.last_signalled_seen;
    const beatIsDue = !conversation.last_signalled_at || Date.now() - new Date(conversation.last_signalled_at).getTime() >= HEARTBEAT_FORWARD_INTERVAL_MS;
    if (input.presence === 'online' && !seenIsNews && !beatIsDue) return;
    try {
      await this.temporal.workflow.getHandle(conversation.ticket_id).signal(visitorActivitySignal, { presence: input.presence, seenUpToMessageId: input.seenUpToMessageId });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return; // the conversation is closed and its workflow has ended
      throw error;
    }
    await em.execute('UPDATE web_chat_conversations SET last_signalled_at = now(), last_signalled_seen = COALESCE(?, last_signalled_seen) WHERE id = ?', [
      input.seenUpToMessageId,
      conversation.id,
    ]);
  }

  /** An agent is typing in this chat ticket: the visitor's widget shows it for a few seconds. */
  async agentTyping(accountId: string, ticketId: string): Promise<void> {
    const updated = await this.orm.em.fork().execute<{ id: string }[]>(
      `UPDATE web_chat_conversations SET agent_typing_until = now() + (? * interval '1 millisecond') WHERE account_id = ? AND ticket_id = ? RETURNING id`,
      [TYPING_SHOWN_MS, accountId, ticketId],
    );
    if (updated.length === 0) throw ApiError.notFound(`ticket ${ticketId} is not a web chat conversation of this account`);
  }

  /** For agents: is the visitor of this chat ticket here, typing? */
  async visitorPresence(accountId: string, ticketId: string): Promise<{ online: boolean; typing: boolean; lastHeartbeatAt: string | null; name: string | null; email: string | null }> {
    const [row] = await this.orm.em.fork().execute<{ last_heartbeat_at: Date | null; typing: boolean; visitor_name: string | null; visitor_email: string | null; online: boolean }[]>(
      `SELECT last_heartbeat_at, visitor_name, visitor_email, COALESCE(visitor_typing_until > now(), false) AS typing,
         COALESCE(last_heartbeat_at > now() - (? * interval '1 millisecond') AND (visitor_left_at IS NULL OR visitor_left_at < last_heartbeat_at), false) AS online
       FROM web_chat_conversations WHERE account_id = ? AND ticket_id = ? ORDER BY created_at DESC LIMIT 1`,
      [VISITOR_OFFLINE_GRACE_MS, accountId, ticketId],
    );
    if (!row) throw ApiError.notFound(`ticket ${ticketId} is not a web chat conversation of this account`);
    return {
      online: row.online,
      typing: row.typing,
      lastHeartbeatAt: row.last_heartbeat_at ? new Date(row.last_heartbeat_at).toISOString() : null,
      name: row.visitor_name,
      email: row.visitor_email,
    };
  }
}
