import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { AppConfig } from '../config/config.js';
import type { Channel } from '../domain/channel-policy.js';
import { normalisePhoneNumber } from '../domain/phone.js';
import type { Orm } from '../persistence/orm.js';
import { isStorableText, storableText } from '../persistence/storable-text.js';
import { inboundMessageSignal, type InboundMessage, type TicketWorkflowInput } from '../temporal/contracts/ticket.js';
import { emailTicketId, lookupKey, newChatTicketId, smsTicketId, WORKFLOW_TYPES } from '../temporal/workflow-ids.js';

export interface InboundMessageRequest {
  accountId: string;
  channel: Channel;
  /** The channel's own id of the message; the same id arriving twice is one message. */
  externalId: string;
  body: string;
  subject?: string | null;
  sender: { name?: string | null; phone?: string | null; email?: string | null; visitorId?: string | null };
  /** Email: the thread's key (root Message-ID). Web chat: the conversation's key. Unused for SMS. */
  threadKey?: string | null;
  receivedAt?: string;
  /** The message was written by a machine (see libs/domain/email-loop-guard.ts): stored, but triggers no automation. */
  automated?: { reasons: string[] };
  /**
   * Text PostgreSQL cannot store (NUL, unpaired UTF-16 surrogates; docs/api.md "Characters PostgreSQL cannot
   * store"): `refuse` (the default) rejects the message naming the field, for callers that can fix it and send
   * again (the integration and chat APIs); `replace` turns each such character into U+FFFD and keeps the message,
   * for senders who cannot be told (Twilio's webhook, inbound email).
   */
  unstorableText?: 'refuse' | 'replace';
}

export interface IngestionResult {
  ticketId: string;
  messageId: string;
}

/** A request that cannot become a message; `field` names the culprit. */
export class InboundMessageRejected extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InboundMessageRejected';
  }
}

/**
 * The one door every channel transport uses to hand a customer's message to its ticket.
 * The hand-off is a signal-with-start, which Temporal accepts durably even while no worker runs,
 * so a message acknowledged to its sender is never lost. Channel rules (SPEC §2) live in the
 * choice of workflow id: one per phone number, one per email thread, one per chat conversation.
 */
export class InboundIngestion {
  constructor(private readonly deps: { config: AppConfig; orm: Orm; temporal: Client }) {}

  async ingest(request: InboundMessageRequest): Promise<IngestionResult> {
    const message = this.toMessage(request);
    if (request.channel === 'web_chat') return this.ingestChat(request, message);
    const ticketId = request.channel === 'sms' ? await this.smsTicket(request.accountId, message.sender.phone!) : emailTicketId(request.accountId, this.threadKey(request), this.secret());
    await this.signalTicket(ticketId, message, 'ALLOW_DUPLICATE_FAILED_ONLY');
    return { ticketId, messageId: message.messageId };
  }

  /**
   * A chat conversation's messages go to its current ticket. A closed chat ticket never takes another
   * message: when the projection already says it is closed, or its workflow has ended, the conversation
   * moves to a new ticket before anything is signalled (and a closed ticket whose workflow still runs
   * forwards what reaches it through `forwardFromClosedChat`).
   */
  private async ingestChat(request: InboundMessageRequest, message: InboundMessage): Promise<IngestionResult> {
    const conversationKey = lookupKey(this.threadKey(request), this.secret());
    for (let attempt = 0; attempt < 3; attempt++) {
      const ticketId = await this.currentChatTicket(request.accountId, conversationKey);
      if (await this.isClosedTicket(ticketId)) {
        await this.moveConversationOff(request.accountId, conversationKey, ticketId);
        continue;
      }
      try {
        await this.signalTicket(ticketId, message, 'REJECT_DUPLICATE');
        return { ticketId, messageId: message.messageId };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        await this.moveConversationOff(request.accountId, conversationKey, ticketId);
      }
    }
    throw new Error('could not find an open ticket for the chat conversation after 3 attempts');
  }

  /**
   * A message reached a closed chat ticket whose workflow still runs (waiting for its follow-up email): the
   * conversation moves off that ticket first, conditionally on it still being the current one, so the message
   * can only go to a newer ticket, never back to the closed one.
   */
  async forwardFromClosedChat(message: InboundMessage, closedTicketId: string): Promise<IngestionResult> {
    if (message.channel !== 'web_chat' || !message.threadKey) throw new InboundMessageRejected('threadKey', 'only a web chat message can be forwarded to its next ticket');
    await this.moveConversationOff(message.accountId, lookupKey(message.threadKey, this.secret()), closedTicketId);
    return this.ingestChat({ ...message, threadKey: message.threadKey }, message);
  }

  /** The conversation's next ticket, unless another message already moved it. */
  private async moveConversationOff(accountId: string, conversationKey: string, ticketId: string): Promise<void> {
    await this.deps.orm.em.fork().execute(
      'UPDATE chat_conversations SET ticket_id = ? WHERE account_id = ? AND conversation_key = ? AND ticket_id = ?',
      [newChatTicketId(accountId), accountId, conversationKey, ticketId],
    );
  }

  private async isClosedTicket(ticketId: string): Promise<boolean> {
    const rows = await this.deps.orm.em.fork().execute<{ status: string }[]>('SELECT status FROM tickets WHERE id = ?', [ticketId]);
    return rows[0]?.status === 'closed';
  }

  /** Concurrent first messages of one conversation agree on one ticket through the primary key. */
  private async currentChatTicket(accountId: string, conversationKey: string): Promise<string> {
    const em = this.deps.orm.em.fork();
    await em.execute(
      'INSERT INTO chat_conversations (account_id, conversation_key, ticket_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      [accountId, conversationKey, newChatTicketId(accountId)],
    );
    const [row] = await em.execute<{ ticket_id: string }[]>(
      'SELECT ticket_id FROM chat_conversations WHERE account_id = ? AND conversation_key = ?',
      [accountId, conversationKey],
    );
    return row!.ticket_id;
  }

  private async signalTicket(ticketId: string, message: InboundMessage, reusePolicy: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE_FAILED_ONLY'): Promise<void> {
    const input: TicketWorkflowInput = {
      ticketId,
      accountId: message.accountId,
      channel: message.channel,
      historyEventLimit: this.deps.config.ticketHistoryEventLimit,
    };
    await this.deps.temporal.workflow.signalWithStart(WORKFLOW_TYPES.ticket, {
      workflowId: ticketId,
      taskQueue: this.deps.config.temporal.taskQueue,
      args: [input],
      signal: inboundMessageSignal,
      signalArgs: [message],
      workflowIdReusePolicy: reusePolicy,
    });
  }

  private toMessage(original: InboundMessageRequest): InboundMessage {
    const request = storableRequest(original);
    if (!request.externalId.trim()) throw new InboundMessageRejected('externalId', 'externalId must not be empty');
    if (!request.body.trim()) throw new InboundMessageRejected('body', 'body must not be empty');
    const sender = {
      name: request.sender.name?.trim() || null,
      phone: request.sender.phone?.trim() || null,
      email: request.sender.email?.trim().toLowerCase() || null,
      visitorId: request.sender.visitorId?.trim() || null,
    };
    if (request.channel === 'sms') {
      if (!sender.phone) throw new InboundMessageRejected('sender.phone', 'an SMS message needs sender.phone');
      const phone = normalisePhoneNumber(sender.phone);
      if (!phone.ok) throw new InboundMessageRejected('sender.phone', phone.message);
      sender.phone = phone.e164;
    }
    if (request.channel === 'email' && !sender.email) throw new InboundMessageRejected('sender.email', 'an email message needs sender.email');
    if (request.channel === 'web_chat' && !request.threadKey?.trim()) {
      throw new InboundMessageRejected('threadKey', 'a web chat message needs threadKey, the conversation it belongs to');
    }
    const receivedAt = request.receivedAt ?? new Date().toISOString();
    if (Number.isNaN(Date.parse(receivedAt))) throw new InboundMessageRejected('receivedAt', 'receivedAt must be an ISO 8601 date-time');
    return {
      messageId: inboundMessageId(request.accountId, request.channel, request.externalId),
      accountId: request.accountId,
      channel: request.channel,
      receivedAt: new Date(receivedAt).toISOString(),
      body: request.body,
      subject: request.subject?.trim() || null,
      sender,
      externalId: request.externalId,
      threadKey: request.threadKey?.trim() || null,
      ...(request.automated ? { automated: { reasons: [...request.automated.reasons] } } : {}),
    };
  }

  /** An email without a thread key starts its own thread. */
  private threadKey(request: InboundMessageRequest): string {
    return request.threadKey?.trim() || request.externalId;
  }

  /**
   * A person's SMS ticket: the one their number's HMAC names, unless migration 0009 (phone numbers) found their
   * ticket keyed by the number's old normal form; that ticket keeps getting their texts.
   */
  private async smsTicket(accountId: string, e164: string): Promise<string> {
    const [alias] = await this.deps.orm.em.fork().execute<{ ticket_id: string }[]>(
      'SELECT ticket_id FROM sms_ticket_aliases WHERE account_id = ? AND phone = ?',
      [accountId, e164],
    );
    return alias?.ticket_id ?? smsTicketId(accountId, e164, this.secret());
  }

  private secret(): string {
    if (!this.deps.config.ticketIdSecret) throw new Error('TICKET_ID_SECRET is not set');
    return this.deps.config.ticketIdSecret;
  }
}

/** The request's free text as PostgreSQL can store it, by the request's `unstorableText` rule. */
function storableRequest(request: InboundMessageRequest): InboundMessageRequest {
  const refuse = (request.unstorableText ?? 'refuse') === 'refuse';
  const clean = <T extends string | null | undefined>(field: string, text: T): T => {
    if (typeof text !== 'string' || isStorableText(text)) return text;
    if (refuse) throw new InboundMessageRejected(field, `${field} contains a character that cannot be stored (NUL or an unpaired UTF-16 surrogate)`);
    return storableText(text) as T;
  };
  return {
    ...request,
    externalId: clean('externalId', request.externalId),
    body: clean('body', request.body),
    subject: clean('subject', request.subject),
    threadKey: clean('threadKey', request.threadKey),
    sender: {
      name: clean('sender.name', request.sender.name),
      phone: clean('sender.phone', request.sender.phone),
      email: clean('sender.email', request.sender.email),
      visitorId: clean('sender.visitorId', request.sender.visitorId),
    },
  };
}

/** Deterministic, so a retried webhook maps to the same message. */
export function inboundMessageId(accountId: string, channel: Channel, externalId: string): string {
  return `msg-${createHash('sha256').update(`${accountId}\n${channel}\n${externalId}`).digest('base64url').slice(0, 32)}`;
}
