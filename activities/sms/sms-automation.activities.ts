import type { OutboundSmsSend, SmsAttribution } from '../../libs/domain/attribution.js';
import { resolveAccountSettings } from '../../libs/domain/account-settings.js';
import type { AutoResponderTemplateValues, SmsAutoResponderSettings } from '../../libs/domain/auto-responder.js';
import type { SmsConsent } from '../../libs/domain/sms-consent.js';
import { findSmsConnection } from '../../libs/sms/sms-channels.js';
import { currentSmsConsent } from '../../libs/sms/sms-profiles.js';
import type { TicketProjection } from '../../libs/temporal/contracts/ticket.js';
import type { ActivityDependencies } from '../dependencies.js';
import { writeProjection } from '../tickets.activities.js';

/** Everything the workflow needs to decide about a new inbound SMS, read at one moment and then recorded in history. */
export interface SmsAutomationContext {
  autoResponder: SmsAutoResponderSettings;
  templateValues: AutoResponderTemplateValues;
  consent: SmsConsent;
  ownNumbers: string[];
  lastAutoResponseAt: string | null;
  /** The person's recent campaign/flow sends that reached them (failed ones are not "received"). */
  sends: OutboundSmsSend[];
  attributionWindowMs: number;
  notifyTeam: boolean;
}

/** Campaign/flow sends considered per inbound message: the newest ones are the only candidates anyway. */
const RECENT_SENDS = 20;

export function createSmsAutomationActivities({ orm, mail, config }: ActivityDependencies) {
  return {
    async loadSmsAutomationContext(input: { accountId: string; phone: string }): Promise<SmsAutomationContext> {
      const em = orm.em.fork();
      const [account] = await em.execute<{ name: string; settings: Record<string, unknown> }[]>('SELECT name, settings FROM accounts WHERE id = ?', [input.accountId]);
      const settings = resolveAccountSettings(account?.settings);
      const channel = await findSmsConnection(orm, input.accountId);
      const [last] = await em.execute<{ decided_at: Date }[]>(
        'SELECT decided_at FROM sms_auto_responses WHERE account_id = ? AND phone = ? ORDER BY decided_at DESC LIMIT 1',
        [input.accountId, input.phone],
      );
      const sends = await em.execute<{ id: string; kind: 'campaign' | 'flow'; source_id: string; sent_at: Date }[]>(
        `SELECT id, kind, source_id, sent_at FROM sms_marketing_sends
         WHERE account_id = ? AND phone = ? AND (status IS NULL OR status NOT IN ('failed', 'undelivered'))
         ORDER BY sent_at DESC LIMIT ${RECENT_SENDS}`,
        [input.accountId, input.phone],
      );
      return {
        autoResponder: settings.sms.autoResponder,
        templateValues: {
          organizationPrefix: settings.sms.organizationPrefix ?? account?.name ?? '',
          email: settings.sms.contactEmail ?? settings.email.supportAddresses[0] ?? '',
        },
        consent: await currentSmsConsent(orm, input.accountId, input.phone),
        ownNumbers: channel ? [channel.inboxNumber] : [],
        lastAutoResponseAt: last ? new Date(last.decided_at).toISOString() : null,
        sends: sends.map((send) => ({ id: send.id, kind: send.kind, sourceId: send.source_id, sentAt: new Date(send.sent_at).toISOString() })),
        attributionWindowMs: settings.sms.attributionWindowHours * 3_600_000,
        notifyTeam: settings.sms.teamNotificationsEnabled && settings.sms.teamNotificationRecipients.length > 0,
      };
    },

    /** The decisions' events, the message's attribution and, when one is sent, the auto-response (pending delivery). */
    async recordSmsAutomation(input: {
      projection: TicketProjection;
      inboundMessageId: string;
      phone: string;
      attribution: SmsAttribution;
      autoResponse: { messageId: string; body: string } | null;
    }): Promise<void> {
      const { projection, attribution, autoResponse } = input;
      const { state } = projection;
      await orm.em.fork().transactional(async (em) => {
        await writeProjection(em, projection);
        await em.execute(
          `INSERT INTO sms_attributions (message_id, account_id, reason, send_id, kind, source_id, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (message_id) DO NOTHING`,
          [input.inboundMessageId, state.accountId, attribution.reason, attribution.send?.id ?? null, attribution.send?.kind ?? null, attribution.send?.sourceId ?? null, attribution.send?.sentAt ?? null],
        );
        if (!autoResponse) return;
        await em.execute(
          `INSERT INTO sms_auto_responses (message_id, account_id, phone, ticket_id, in_reply_to_message_id, decided_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (message_id) DO NOTHING`,
          [autoResponse.messageId, state.accountId, input.phone, state.ticketId, input.inboundMessageId, state.updatedAt],
        );
        await em.execute(
          `INSERT INTO messages (id, ticket_id, account_id, direction, body, delivery_status, recorded_at_version, created_at)
           VALUES (?, ?, ?, 'outbound', ?, 'pending', ?, ?) ON CONFLICT (id) DO NOTHING`,
          [autoResponse.messageId, state.ticketId, state.accountId, autoResponse.body, state.version, state.updatedAt],
        );
      });
    },

    /** Emails the team about a new SMS through the product's one mail transport; once per message. */
    async notifyTeamOfSms(input: { accountId: string; ticketId: string; messageId: string; phone: string }): Promise<{ sent: boolean }> {
      const em = orm.em.fork();
      const done = await em.execute('SELECT 1 FROM sms_team_notifications WHERE message_id = ?', [input.messageId]);
      if (done.length > 0) return { sent: false };
      const [row] = await em.execute<{ settings: Record<string, unknown>; body: string }[]>(
        'SELECT a.settings, m.body FROM accounts a JOIN messages m ON m.account_id = a.id WHERE a.id = ? AND m.id = ?',
        [input.accountId, input.messageId],
      );
      if (!row) return { sent: false };
      const { sms } = resolveAccountSettings(row.settings);
      if (!sms.teamNotificationsEnabled || sms.teamNotificationRecipients.length === 0) return { sent: false };
      await mail.send({
        accountId: input.accountId,
        from: config.mail.defaultFrom,
        to: sms.teamNotificationRecipients,
        subject: `New SMS from ${input.phone}`,
        text: `${row.body}\n\nTicket: ${config.publicUrl.replace(/\/+$/, '')}/tickets/${input.ticketId}`,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      // Written after the send: a crash in between repeats the notification rather than losing it.
      await em.execute('INSERT INTO sms_team_notifications (message_id, sent_at) VALUES (?, now()) ON CONFLICT DO NOTHING', [input.messageId]);
      return { sent: true };
    },
  };
}
