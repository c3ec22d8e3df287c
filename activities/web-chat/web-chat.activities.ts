import { findBusinessCalendar } from '../../libs/calendars/business-calendar-store.js';
import { isOpen, nextChange } from '../../libs/calendars/business-calendar.js';
import { resolveAccountSettings } from '../../libs/domain/account-settings.js';
import { isWithinOfficeHours, nextOfficeHoursChange } from '../../libs/domain/office-hours.js';
import type { OfficeHoursFacts } from '../../libs/domain/web-chat.js';
import type { TicketProjection } from '../../libs/temporal/contracts/ticket.js';
import type { ActivityDependencies } from '../dependencies.js';
import { writeProjection } from '../tickets.activities.js';

export function createWebChatActivities({ orm, mail, config }: ActivityDependencies) {
  const accountRow = async (accountId: string) => {
    const [row] = await orm.em.fork().execute<{ name: string; settings: Record<string, unknown> }[]>('SELECT name, settings FROM accounts WHERE id = ?', [accountId]);
    return { name: row?.name ?? '', settings: resolveAccountSettings(row?.settings) };
  };

  const activities = {
    /**
     * Office hours at the workflow's instant `at` (time zones need Intl, which workflow code must not use):
     * whether the team is online, the next change, and the two texts. The result is recorded in history. A
     * business-hours calendar chosen as the office hours wins over the hours set in the web-chat settings.
     */
    async loadOfficeHoursFacts(input: { accountId: string; at: string }): Promise<OfficeHoursFacts> {
      const { webChat } = (await accountRow(input.accountId)).settings;
      const texts = { onlineText: webChat.onlineAutoResponse, offlineText: webChat.offlineAutoResponse };
      const at = new Date(input.at);
      if (webChat.officeHoursCalendarId) {
        const calendar = await findBusinessCalendar(orm, input.accountId, webChat.officeHoursCalendarId);
        if (calendar) {
          const change = nextChange(calendar, at);
          const nextChangeAt = change ? { kind: change.kind, at: change.at.toISOString() } : null;
          return { configured: true, online: isOpen(calendar, at), timeZone: calendar.timeZone, nextChange: nextChangeAt, calendarId: calendar.id, ...texts };
        }
      }
      const hours = webChat.officeHours;
      if (!hours) return { configured: false, online: true, timeZone: null, nextChange: null, ...texts };
      const change = nextOfficeHoursChange(hours, at);
      return {
        configured: true,
        online: isWithinOfficeHours(hours, at),
        timeZone: hours.timeZone,
        nextChange: change ? { kind: change.kind, at: change.at.toISOString() } : null,
        ...texts,
      };
    },

    /** The decision's event and, when there is one, the auto-response as a system message (pending delivery). */
    async recordChatAutoResponse(input: { projection: TicketProjection; autoResponse: { messageId: string; body: string } | null }): Promise<void> {
      const { state } = input.projection;
      await orm.em.fork().transactional(async (em) => {
        await writeProjection(em, input.projection);
        if (!input.autoResponse) return;
        await em.execute(
          `INSERT INTO messages (id, ticket_id, account_id, direction, body, delivery_status, recorded_at_version, created_at)
           VALUES (?, ?, ?, 'outbound', ?, 'pending', ?, ?) ON CONFLICT (id) DO NOTHING`,
          [input.autoResponse.messageId, state.ticketId, state.accountId, input.autoResponse.body, state.version, state.updatedAt],
        );
      });
    },

    /**
     * The offline follow-up email (SPEC §7): the replies the visitor has not seen, from the web-chat support
     * address. Keyed by `followUpId`: a retry after the email went out does not send it again (a crash between
     * the send and its record can repeat it once, never lose it).
     */
    async sendChatFollowUpEmail(input: { followUpId: string; ticketId: string; accountId: string; replyIds: string[] }): Promise<void> {
      const em = orm.em.fork();
      const done = await em.execute('SELECT 1 FROM web_chat_follow_ups WHERE id = ?', [input.followUpId]);
      if (done.length > 0) return;
      const [ticket] = await em.execute<{ customer_email: string | null }[]>('SELECT customer_email FROM tickets WHERE id = ?', [input.ticketId]);
      const replies = await em.execute<{ body: string; created_at: Date }[]>(
        `SELECT body, created_at FROM messages WHERE ticket_id = ? AND id IN (SELECT jsonb_array_elements_text(?::jsonb)) ORDER BY created_at, id`,
        [input.ticketId, JSON.stringify(input.replyIds)],
      );
      if (!ticket?.customer_email || replies.length === 0) return;
      const account = await accountRow(input.accountId);
      const from = account.settings.webChat.followUpFromAddress ?? account.settings.email.supportAddresses[0] ?? config.mail.defaultFrom;
      await mail.send({
        accountId: input.accountId,
        from,
        to: [ticket.customer_email],
        subject: `Replies to your chat with ${account.name}`,
        text: [
          `You left the chat before reading ${replies.length === 1 ? 'this reply' : 'these replies'}:`,
          ...replies.map((reply) => `\n${reply.body}`),
          '\nTo continue, reply to this email or open a new chat on our site.',
        ].join('\n'),
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      await em.execute(
        'INSERT INTO web_chat_follow_ups (id, account_id, ticket_id, recipient, reply_ids, sent_at) VALUES (?, ?, ?, ?, ARRAY(SELECT jsonb_array_elements_text(?::jsonb)), now()) ON CONFLICT DO NOTHING',
        [input.followUpId, input.accountId, input.ticketId, ticket.customer_email, JSON.stringify(input.replyIds)],
      );
    },

    /** Runs recorded before the command loop: the follow-up email, then the decision's event, in one activity. */
    async sendChatFollowUp(input: { projection: TicketProjection; followUpId: string; replyIds: string[]; send: boolean }): Promise<void> {
      const { state } = input.projection;
      if (input.send) await activities.sendChatFollowUpEmail({ followUpId: input.followUpId, ticketId: state.ticketId, accountId: state.accountId, replyIds: input.replyIds });
      await orm.em.fork().transactional((tx) => writeProjection(tx, input.projection));
    },
  };
  return activities;
}
