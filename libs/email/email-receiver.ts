import { createHash } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { AppConfig } from '../config/config.js';
import type { EmailSettings } from '../domain/account-settings.js';
import { classifyInboundEmail } from '../domain/email-loop-guard.js';
import { resolveOriginalSender, stripQuotedHistory, type OriginalSender } from '../domain/email-threading.js';
import { normaliseEmailAddress } from '../domain/email-headers.js';
import { inboundMessageId, type InboundIngestion } from '../ingestion/inbound-ingestion.js';
import type { Orm } from '../persistence/orm.js';
import { emailTicketId } from '../temporal/workflow-ids.js';
import { ownAddresses, readEmailSettings } from './email-settings.js';
import type { InboundEmail } from './inbound-email.js';

/** How one account's copy of a message was filed. */
export interface ReceivedEmail {
  accountId: string;
  ticketId: string;
  messageId: string;
  /** Why the message counts as written by a machine; empty for a person's mail. */
  automatedReasons: string[];
}

/** A message that cannot become a ticket message; `smtpCode` and `field` tell SMTP and HTTP callers why. */
export class EmailRejected extends Error {
  constructor(
    readonly smtpCode: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'EmailRejected';
  }
}

/** A text[] parameter, passed as a JSON array. */
const TEXT_ARRAY = 'ARRAY(SELECT jsonb_array_elements_text(?::jsonb))';

/** RFC 5321's longest usable address, and a display name long enough for anyone. */
const MAX_ADDRESS_LENGTH = 254;
const MAX_NAME_LENGTH = 200;

/** The thread view gets this much of a message's new text; the full text stays in email_messages. */
const MAX_THREAD_BODY = 100_000;

/**
 * Files a received email for one account: finds its thread (Message-ID, In-Reply-To, References, also
 * our own replies' ids), stores its email side (full text, sanitised HTML, attachments, raw message),
 * then hands it to its ticket through InboundIngestion. Every step is idempotent, so the sender may
 * deliver the same message again (or we may fail half-way and be retried) without a second message.
 */
export class EmailReceiver {
  constructor(private readonly deps: { config: AppConfig; orm: Orm; ingestion: InboundIngestion }) {}

  async receive(email: InboundEmail, delivery: { accountId: string; envelopeFrom: string | null; recipients: string[] }): Promise<ReceivedEmail> {
    const { accountId } = delivery;
    const settings = await readEmailSettings(this.deps.orm, accountId);
    const own = ownAddresses(settings);
    const classification = classifyInboundEmail({ headers: email.headers, returnPath: delivery.envelopeFrom, ownAddresses: own });
    const sender = this.customer(email, own, delivery.envelopeFrom);
    const messageId = inboundMessageId(accountId, 'email', email.messageIdKey);

    const threadKey = await this.deps.orm.em.fork().transactional(async (em) => {
      const key = await this.threadOf(em, accountId, email);
      const ticketId = emailTicketId(accountId, key, this.secret());
      await this.store(em, { email, accountId, ticketId, threadKey: key, messageId, sender, settings, recipients: delivery.recipients, automatedReasons: classification.reasons });
      return key;
    });

    const { ticketId } = await this.deps.ingestion.ingest({
      accountId,
      channel: 'email',
      externalId: email.messageIdKey,
      body: threadBody(email),
      subject: email.subject,
      sender: { email: sender.address, name: sender.displayName },
      threadKey,
      ...(classification.automated ? { automated: { reasons: classification.reasons } } : {}),
      // Mail cannot be refused after it was accepted: what PostgreSQL cannot store is replaced, the message kept.
      unstorableText: 'replace',
    });
    return { accountId, ticketId, messageId, automatedReasons: classification.reasons };
  }

  /** The real customer behind forwarding (X-Original-From, Reply-To, a forwarded body), else the envelope sender. */
  private customer(email: InboundEmail, own: string[], envelopeFrom: string | null): OriginalSender {
    const resolved = resolveOriginalSender(email.headers, own, email.text);
    if (resolved !== null && resolved.address.length <= MAX_ADDRESS_LENGTH) {
      return { ...resolved, displayName: resolved.displayName?.slice(0, MAX_NAME_LENGTH) ?? null };
    }
    const envelope = envelopeFrom ? normaliseEmailAddress(envelopeFrom) : null;
    if (envelope !== null && envelope.length <= MAX_ADDRESS_LENGTH) return { address: envelope, displayName: null, source: 'from' };
    throw new EmailRejected(550, 'from', 'the message names no sender (no From header and no envelope sender)');
  }

  /**
   * The thread key of a message: the one already recorded for its own Message-ID (a duplicate
   * delivery), else that of the first earlier message it refers to, else its own id (a new thread).
   * The own id is recorded under the key in the same transaction; a concurrent duplicate waits on the row.
   */
  private async threadOf(em: SqlEntityManager, accountId: string, email: InboundEmail): Promise<string> {
    const keys = [email.messageIdKey, ...email.threadCandidates];
    const rows = await em.execute<{ message_id_key: string; thread_key: string }[]>(
      'SELECT message_id_key, thread_key FROM email_message_ids WHERE account_id = ? AND message_id_key IN (SELECT jsonb_array_elements_text(?::jsonb))',
      [accountId, JSON.stringify(keys)],
    );
    const known = new Map(rows.map((row) => [row.message_id_key, row.thread_key]));
    const found = keys.map((key) => known.get(key)).find((key) => key !== undefined);
    await em.execute(
      'INSERT INTO email_message_ids (account_id, message_id_key, thread_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      [accountId, email.messageIdKey, found ?? email.messageIdKey],
    );
    const [own] = await em.execute<{ thread_key: string }[]>(
      'SELECT thread_key FROM email_message_ids WHERE account_id = ? AND message_id_key = ?',
      [accountId, email.messageIdKey],
    );
    return own!.thread_key;
  }

  private async store(
    em: SqlEntityManager,
    input: {
      email: InboundEmail;
      accountId: string;
      ticketId: string;
      threadKey: string;
      messageId: string;
      sender: OriginalSender;
      settings: EmailSettings;
      recipients: string[];
      automatedReasons: string[];
    },
  ): Promise<void> {
    const { email, settings } = input;
    const addressedTo = [...input.recipients, ...email.to, ...email.cc].map((address) => normaliseEmailAddress(address));
    const supportAddress = addressedTo.find((address) => address !== null && settings.supportAddresses.includes(address)) ?? null;
    const inserted = await em.execute<{ message_id: string }[]>(
      `INSERT INTO email_messages (message_id, account_id, ticket_id, thread_key, direction, rfc_message_id, in_reply_to, reference_ids,
         from_address, from_name, sender_source, to_addresses, cc_addresses, support_address, subject, text_body, html_body,
         automated_reasons, raw, created_at)
       VALUES (?, ?, ?, ?, 'inbound', ?, ?, ${TEXT_ARRAY}, ?, ?, ?, ${TEXT_ARRAY}, ${TEXT_ARRAY}, ?, ?, ?, ?, ${TEXT_ARRAY}, ?, now())
       ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      [
        input.messageId, input.accountId, input.ticketId, input.threadKey, email.messageIdKey, email.inReplyTo, JSON.stringify(email.references),
        input.sender.address, input.sender.displayName, input.sender.source, JSON.stringify(email.to), JSON.stringify(email.cc), supportAddress,
        email.subject, email.text, email.html, JSON.stringify(input.automatedReasons), email.raw,
      ],
    );
    if (inserted.length === 0) return; // a duplicate delivery: the first copy and its attachments are kept
    for (const [position, attachment] of email.attachments.entries()) {
      await em.execute(
        `INSERT INTO email_attachments (id, account_id, message_id, position, filename, content_type, size_bytes, content_id, inline, content)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [
          attachmentId(input.messageId, position), input.accountId, input.messageId, position, attachment.filename, attachment.contentType,
          attachment.size, attachment.contentId, attachment.inline, attachment.content,
        ],
      );
    }
  }

  private secret(): string {
    if (!this.deps.config.ticketIdSecret) throw new Error('TICKET_ID_SECRET is not set');
    return this.deps.config.ticketIdSecret;
  }
}

/** What the ticket's thread shows: the new text without quoted history, never empty. */
export function threadBody(email: InboundEmail): string {
  const text = email.text ? stripQuotedHistory(email.text) : '';
  if (text) return text.length > MAX_THREAD_BODY ? `${text.slice(0, MAX_THREAD_BODY)}\n[… the full text is in the email view]` : text;
  const names = email.attachments.map((attachment) => attachment.filename ?? attachment.contentType);
  return names.length > 0 ? `(no text; attachments: ${names.join(', ')})` : '(empty message)';
}

function attachmentId(messageId: string, position: number): string {
  return `att-${createHash('sha256').update(`${messageId}\n${position}`).digest('base64url').slice(0, 24)}`;
}
