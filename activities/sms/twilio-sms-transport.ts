import twilio from 'twilio';
import type { AppConfig } from '../../libs/config/config.js';
import { resolveAccountSettings } from '../../libs/domain/account-settings.js';
import { canReplyBySms, SMS_REPLY_REFUSED_REASON } from '../../libs/domain/sms-consent.js';
import type { Orm } from '../../libs/persistence/orm.js';
import { deliveryStatusFromTwilio, twilioErrorText } from '../../libs/sms/delivery-status.js';
import { shortenLinks } from '../../libs/sms/short-links.js';
import { secretBoxFrom } from '../../libs/secrets/secret-box.js';
import { findSmsChannel, smsWebhookPaths } from '../../libs/sms/sms-channels.js';
import { currentSmsConsent } from '../../libs/sms/sms-profiles.js';
import { createTwilioClient, withoutCredentials, type TwilioCredentials } from '../../libs/sms/twilio-client.js';
import type { DeliveryResult, OutboundDelivery, OutboundTransport } from '../delivery/outbound-transport.js';

interface AttemptRow {
  to_number: string;
  from_number: string;
  body_sent: string;
  twilio_sid: string | null;
  attempt_started_at: Date;
}

/** Slack for clock differences between us and Twilio when matching an earlier attempt by its creation time. */
const CLOCK_SLACK_MS = 5 * 60 * 1000;

/**
 * SMS replies and auto-responses through Twilio's Messages API, exactly once.
 *
 * Twilio's Messages API has no idempotency key, so the one dangerous moment is a crash after Twilio
 * accepted a message and before its SID is stored. Every attempt is therefore written down
 * (`sms_outbound`) before the call; an attempt that finds an earlier one without a SID first looks
 * for that message at Twilio (same From/To, same text, created since the first attempt, SID not
 * already ours) and adopts it instead of sending again.
 */
export function createTwilioSmsTransport({ config, orm }: { config: AppConfig; orm: Orm }): OutboundTransport {
  /** One client per Twilio account (and token), so its connections are reused across sends. */
  const clients = new Map<string, twilio.Twilio>();
  const clientFor = (credentials: TwilioCredentials) => {
    const key = `${credentials.accountSid}:${credentials.authToken}`;
    if (!clients.has(key)) clients.set(key, createTwilioClient(credentials, config.sms.twilioApiBaseUrl));
    return clients.get(key)!;
  };

  async function earlierAttempt(messageId: string): Promise<AttemptRow | null> {
    const [row] = await orm.em.fork().execute<AttemptRow[]>('SELECT * FROM sms_outbound WHERE message_id = ?', [messageId]);
    return row ?? null;
  }

  async function findAtTwilio(client: twilio.Twilio, attempt: AttemptRow): Promise<string | null> {
    const page = await client.messages.page({ to: attempt.to_number, from: attempt.from_number, pageSize: 50 });
    const since = new Date(attempt.attempt_started_at).getTime() - CLOCK_SLACK_MS;
    const candidates = page.instances.filter(
      (message) => (message.body === attempt.body_sent || message.body?.endsWith(attempt.body_sent)) && message.dateCreated.getTime() >= since,
    );
    for (const candidate of candidates.reverse()) {
      const claimed = await orm.em.fork().execute('SELECT 1 FROM sms_outbound WHERE twilio_sid = ?', [candidate.sid]);
      if (claimed.length === 0) return candidate.sid;
    }
    return null;
  }

  async function recordAccepted(messageId: string, sid: string): Promise<void> {
    await orm.em.fork().execute('UPDATE sms_outbound SET twilio_sid = ?, accepted_at = now() WHERE message_id = ?', [sid, messageId]);
  }

  async function recipient(delivery: OutboundDelivery): Promise<{ phone: string | null; isAutoResponse: boolean }> {
    const [row] = await orm.em.fork().execute<{ customer_phone: string | null; auto: boolean }[]>(
      `SELECT t.customer_phone, EXISTS (SELECT 1 FROM sms_auto_responses a WHERE a.message_id = ?) AS auto FROM tickets t WHERE t.id = ?`,
      [delivery.messageId, delivery.ticketId],
    );
    return { phone: row?.customer_phone ?? null, isAutoResponse: row?.auto ?? false };
  }

  async function outgoingText(delivery: OutboundDelivery): Promise<string> {
    const [row] = await orm.em.fork().execute<{ settings: Record<string, unknown> }[]>('SELECT settings FROM accounts WHERE id = ?', [delivery.accountId]);
    if (!resolveAccountSettings(row?.settings).sms.linkShorteningEnabled) return delivery.body;
    const { body, links } = shortenLinks(delivery.body, delivery.messageId, config.publicUrl);
    for (const link of links) {
      await orm.em.fork().execute(
        `INSERT INTO sms_short_links (code, account_id, message_id, url, created_at) VALUES (?, ?, ?, ?, now()) ON CONFLICT (code) DO NOTHING`,
        [link.code, delivery.accountId, delivery.messageId, link.url],
      );
    }
    return body;
  }

  return {
    /** Twilio accepted the earlier attempt and then failed it: it is kept under another key, its SID still claimed. */
    async forgetFailedAttempt(messageId: string): Promise<void> {
      await orm.em.fork().execute(
        `UPDATE sms_outbound SET message_id = message_id || ':failed:' || twilio_sid WHERE message_id = ? AND twilio_sid IS NOT NULL`,
        [messageId],
      );
    },

    async deliver(delivery: OutboundDelivery): Promise<DeliveryResult> {
      const channel = await findSmsChannel(orm, secretBoxFrom(config), delivery.accountId);
      if (!channel) return { status: 'failed', error: 'SMS is not connected to Twilio for this account (PUT /settings/sms/twilio)' };
      const { phone, isAutoResponse } = await recipient(delivery);
      if (!phone) return { status: 'failed', error: 'the ticket has no customer phone number' };
      const client = clientFor(channel);
      const earlier = await earlierAttempt(delivery.messageId);
      if (earlier?.twilio_sid) return { status: 'queued', externalId: earlier.twilio_sid };
      if (earlier) {
        const adopted = await findAtTwilio(client, earlier).catch((error: unknown) => {
          throw withoutCredentials(error);
        });
        if (adopted) {
          await recordAccepted(delivery.messageId, adopted);
          return { status: 'queued', externalId: adopted };
        }
      }

      // Consent may have been withdrawn after the API accepted the reply: checked again right before sending.
      if (!isAutoResponse && !canReplyBySms(await currentSmsConsent(orm, delivery.accountId, phone))) {
        return { status: 'failed', error: SMS_REPLY_REFUSED_REASON };
      }

      const body = earlier?.body_sent ?? (await outgoingText(delivery));
      await orm.em.fork().execute(
        `INSERT INTO sms_outbound (message_id, account_id, to_number, from_number, body_sent, attempt_started_at) VALUES (?, ?, ?, ?, ?, now())
         ON CONFLICT (message_id) DO NOTHING`,
        [delivery.messageId, delivery.accountId, phone, channel.inboxNumber, body],
      );
      const statusCallback = `${config.publicUrl.replace(/\/+$/, '')}${smsWebhookPaths(delivery.accountId).status}?messageId=${encodeURIComponent(delivery.messageId)}`;
      let message;
      try {
        message = await client.messages.create({ to: phone, from: channel.inboxNumber, body, statusCallback });
      } catch (error) {
        // Twilio refused the request itself (bad number, blocked recipient…): retrying will not help.
        if (error instanceof twilio.RestException && error.status >= 400 && error.status < 500 && error.status !== 429) {
          return { status: 'failed', error: twilioErrorText(String(error.code ?? error.status), error.message)! };
        }
        throw withoutCredentials(error);
      }
      await recordAccepted(delivery.messageId, message.sid);
      const status = deliveryStatusFromTwilio(message.status);
      if (status === 'failed' || status === 'undelivered') {
        return { status: 'failed', error: twilioErrorText(String(message.errorCode ?? ''), message.errorMessage) ?? `Twilio status ${message.status}` };
      }
      return { status: status === 'sent' || status === 'delivered' ? status : 'queued', externalId: message.sid };
    },
  };
}
