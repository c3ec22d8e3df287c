import type { MailTransport } from '../../libs/mail/mail-transport.js';
import { readEmailSettings, replyAddress } from '../../libs/email/email-settings.js';
import type { Orm } from '../../libs/persistence/orm.js';
import type { DeliveryResult, OutboundDelivery, OutboundTransport } from '../delivery/outbound-transport.js';

/** References of a reply keep the thread's root and its latest messages; mail clients need no more. */
const MAX_REFERENCES = 20;

interface CustomerMail {
  rfc_message_id: string;
  reference_ids: string[];
  from_address: string | null;
  support_address: string | null;
  subject: string | null;
  thread_key: string;
}

/** Raised by the mail transport (nodemailer) with the SMTP server's answer. */
interface SmtpFailure {
  responseCode?: number;
  code?: string;
  message?: string;
}

/**
 * Agent replies by email (SPEC §3): from the account's support address to the customer, In-Reply-To
 * and References pointing at the customer's last message, so it lands in their thread. Our
 * Message-ID is derived from the reply's id and recorded under the ticket's thread before sending,
 * so the customer's answer threads back to this ticket and a retried send carries the same id.
 */
export function createEmailOutboundTransport(deps: { orm: Orm; mail: MailTransport }): OutboundTransport {
  return { deliver: (delivery) => deliverEmailReply(deps, delivery) };
}

async function deliverEmailReply({ orm, mail }: { orm: Orm; mail: MailTransport }, delivery: OutboundDelivery): Promise<DeliveryResult> {
  const em = orm.em.fork();
  const [previous] = await em.execute<{ send_state: string; rfc_message_id: string }[]>(
    'SELECT send_state, rfc_message_id FROM email_messages WHERE message_id = ?',
    [delivery.messageId],
  );
  // The mail left in an earlier attempt whose result was not recorded: it is not sent again.
  if (previous?.send_state === 'sent') return { status: 'sent', externalId: previous.rfc_message_id };

  const [mailRow] = await em.execute<CustomerMail[]>(
    `SELECT rfc_message_id, reference_ids, from_address, support_address, subject, thread_key FROM email_messages
     WHERE ticket_id = ? AND direction = 'inbound' ORDER BY cardinality(automated_reasons) = 0 DESC, created_at DESC LIMIT 1`,
    [delivery.ticketId],
  );
  // A ticket created through the integration API (POST /integration/messages) has no mail of the customer:
  // the reply goes to the ticket's customer_email, with the ticket's subject and no In-Reply-To.
  const customerMail = mailRow?.from_address ? mailRow : undefined;
  let recipient = customerMail?.from_address ?? null;
  let ticketSubject: string | null = null;
  if (!customerMail) {
    const [ticket] = await em.execute<{ customer_email: string | null; subject: string | null }[]>(
      'SELECT customer_email, subject FROM tickets WHERE id = ? AND account_id = ?',
      [delivery.ticketId, delivery.accountId],
    );
    recipient = ticket?.customer_email ?? null;
    ticketSubject = ticket?.subject ?? null;
  }
  if (!recipient) return { status: 'failed', error: 'the ticket has no email address of the customer to reply to' };
  const settings = await readEmailSettings(orm, delivery.accountId);
  const from = replyAddress(settings, customerMail ? [customerMail.support_address] : []);
  if (!from) return { status: 'failed', error: 'the account has no support address to send from (settings: email.supportAddresses)' };

  const ourMessageId = `${delivery.messageId}@${from.slice(from.lastIndexOf('@') + 1)}`;
  const references = customerMail ? [...customerMail.reference_ids, customerMail.rfc_message_id].slice(-MAX_REFERENCES) : [];
  const subject = replySubject(customerMail ? customerMail.subject : ticketSubject);
  // Without a customer mail there is no mail thread yet: the row is kept under the ticket's id, and our
  // Message-ID is not registered as a thread (a customer's answer to it starts from its own Message-ID).
  const threadKey = customerMail?.thread_key ?? `ticket:${delivery.ticketId}`;
  const text = settings.signature ? `${delivery.body}\n\n-- \n${settings.signature}` : delivery.body;
  await em.transactional(async (tx) => {
    await tx.execute(
      `INSERT INTO email_messages (message_id, account_id, ticket_id, thread_key, direction, rfc_message_id, in_reply_to, reference_ids,
         from_address, from_name, to_addresses, support_address, subject, text_body, send_state, created_at)
       VALUES (?, ?, ?, ?, 'outbound', ?, ?, ARRAY(SELECT jsonb_array_elements_text(?::jsonb)), ?, ?, ARRAY[?]::text[], ?, ?, ?, 'sending', now())
       ON CONFLICT (message_id) DO NOTHING`,
      [
        delivery.messageId, delivery.accountId, delivery.ticketId, threadKey, ourMessageId, customerMail?.rfc_message_id ?? null,
        JSON.stringify(references), from, settings.senderName, recipient, from, subject, text,
      ],
    );
    if (customerMail) {
      await tx.execute(
        'INSERT INTO email_message_ids (account_id, message_id_key, thread_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        [delivery.accountId, ourMessageId, customerMail.thread_key],
      );
    }
  });

  try {
    await mail.send({
      accountId: delivery.accountId,
      from: settings.senderName ? `"${settings.senderName.replace(/["\\]/g, '\\$&')}" <${from}>` : from,
      to: [recipient],
      subject,
      text,
      messageId: `<${ourMessageId}>`,
      ...(customerMail ? { inReplyTo: `<${customerMail.rfc_message_id}>`, references: references.map((id) => `<${id}>`) } : {}),
    });
  } catch (error) {
    const failure = error as SmtpFailure;
    const reason = `${failure.responseCode ?? failure.code ?? 'error'}: ${failure.message ?? String(error)}`;
    // The relay refused for good (5xx) or there is no usable recipient: the agent sees why.
    if ((failure.responseCode ?? 0) >= 500 || failure.code === 'EENVELOPE') return { status: 'failed', error: reason };
    // A passing failure (4xx, connection): the delivery activity records it and retries within its budget.
    throw new Error(reason, { cause: error });
  }
  await em.execute(`UPDATE email_messages SET send_state = 'sent' WHERE message_id = ?`, [delivery.messageId]);
  return { status: 'sent', externalId: ourMessageId };
}

function replySubject(subject: string | null): string {
  if (!subject) return 'Re: your message';
  return /^re:/i.test(subject) ? subject : `Re: ${subject}`;
}
