import { randomUUID } from 'node:crypto';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Orm } from '../persistence/orm.js';

/** One outbound email; `headers` carries threading headers such as In-Reply-To and References. */
export interface OutboundMail {
  /** The account on whose behalf the mail goes out (the local catcher files it there). */
  accountId: string | null;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
  /** Our own Message-ID for the mail (without angle brackets it is generated). */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
  /** The transport's answer, e.g. the SMTP server's "250 OK". */
  response: string;
}

/**
 * The product's one way to send email: agent replies, SMS team notifications and web-chat
 * follow-ups all go through it. With SMTP_URL it relays through that server; without it (the
 * embedded default) it renders the real message and files it in the local mailbox instead.
 */
export interface MailTransport {
  send(mail: OutboundMail): Promise<SentMail>;
  close(): void;
}

function toNodemailer(mail: OutboundMail): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    replyTo: mail.replyTo,
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    headers: mail.headers,
  };
}

export function createSmtpTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    send: async (mail) => {
      const info = await transporter.sendMail(toNodemailer(mail));
      return { messageId: info.messageId, response: info.response };
    },
    close: () => transporter.close(),
  };
}

/** Renders each mail with nodemailer exactly as SMTP would carry it, and stores it in `caught_mail`. */
export function createLocalCatcherTransport(orm: Orm): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    send: async (mail) => {
      const info = await transporter.sendMail(toNodemailer(mail));
      const raw = (info.message as Buffer).toString('utf8');
      const headers: Record<string, string> = {};
      for (const line of raw.slice(0, raw.indexOf('\n\n')).replace(/\n[ \t]+/g, ' ').split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      await orm.em.fork().execute(
        `INSERT INTO caught_mail (id, account_id, message_id, envelope_from, envelope_to, subject, text_body, html_body, headers, raw)
         VALUES (?, ?, ?, ?, ARRAY(SELECT jsonb_array_elements_text(?::jsonb)), ?, ?, ?, ?::jsonb, ?)`,
        [randomUUID(), mail.accountId, info.messageId, info.envelope.from || null, JSON.stringify(info.envelope.to), mail.subject, mail.text, mail.html ?? null, JSON.stringify(headers), raw],
      );
      return { messageId: info.messageId, response: '250 caught by the local mailbox' };
    },
    close: () => transporter.close(),
  };
}

export function createMailTransport(options: { smtpUrl: string | undefined; orm: Orm }): MailTransport {
  return options.smtpUrl ? createSmtpTransport(options.smtpUrl) : createLocalCatcherTransport(options.orm);
}
