import { listBusinessCalendars } from '../libs/calendars/business-calendar-store.js';
import type { BusinessCalendar } from '../libs/calendars/business-calendar.js';
import type { SlaTiming, SlaTimingRequest } from '../libs/domain/sla-clock.js';
import { slaPoliciesUseProfile } from '../libs/domain/sla-policies.js';
import { loadSlaProfileFacts } from '../libs/sla/sla-profile-facts.js';
import { listSlaPolicies } from '../libs/sla/sla-policy-store.js';
import { timeSlaClocks } from '../libs/sla/sla-timing.js';
import type { SlaAlertNotification } from '../libs/temporal/contracts/ticket.js';
import type { ActivityDependencies } from './dependencies.js';
import { storing } from './unstorable-data.js';

/** Open tickets handed to the fan-out per page: each becomes one signal in the fan-out's history. */
export const SLA_REPLAN_PAGE_SIZE = 200;

export function createSlaActivities({ config, orm, mail }: ActivityDependencies) {
  return {
    /**
     * The policy that applies to the ticket and its clocks' deadlines (libs/sla/sla-timing.ts), from the
     * account's policies and calendars as they are now. Reads only: the workflow records the answer.
     */
    async timeSlaClocks(request: SlaTimingRequest): Promise<SlaTiming> {
      const policies = await listSlaPolicies(orm.em.fork(), request.accountId);
      const usesCalendars = policies.some((policy) => Object.values(policy.targets).some((target) => target?.calendarId));
      // One query for the account's calendars (a handful), not one per calendar a policy names.
      const calendars = new Map<string, BusinessCalendar>(usesCalendars ? (await listBusinessCalendars(orm, request.accountId)).map((calendar) => [calendar.id, calendar]) : []);
      const profile = request.profileId && slaPoliciesUseProfile(policies) ? await loadSlaProfileFacts(orm.em.fork(), request.accountId, request.profileId) : null;
      return timeSlaClocks(request, policies, calendars, profile);
    },

    /**
     * A warning or breach for the users a notify escalation names: an in-app notification each, and an email
     * each when asked. Keyed by the alert and the user, so a retry neither repeats nor loses one (an email is
     * marked sent after it went: a crash in between sends it again rather than never).
     */
    async notifySlaAlert(input: SlaAlertNotification): Promise<void> {
      const em = orm.em.fork();
      const detail = { alert: input.alert, target: input.target, clockId: input.clockId, policyName: input.policyName, dueAt: input.dueAt };
      const type = input.alert === 'warning' ? 'sla_warning' : 'sla_breached';
      for (const userId of input.userIds) {
        const id = `${input.notificationId}:${userId}`;
        if (input.channels.includes('in_app')) {
          await storing(() => em.execute(
            `INSERT INTO notifications (id, account_id, user_id, ticket_id, type, detail, created_at)
             VALUES (?, ?, ?, ?, ?, ?::jsonb, now()) ON CONFLICT (id) DO NOTHING`,
            [id, input.accountId, userId, input.ticketId, type, JSON.stringify(detail)],
          ));
        }
        if (!input.channels.includes('email')) continue;
        const [user] = await em.execute<{ email: string; sent: boolean }[]>(
          `SELECT u.email, EXISTS (SELECT 1 FROM sent_notification_emails s WHERE s.id = ?) AS sent
           FROM users u WHERE u.id = ? AND u.account_id = ? AND u.deactivated_at IS NULL`,
          [id, userId, input.accountId],
        );
        if (!user || user.sent) continue;
        const what = input.alert === 'warning' ? 'is at risk' : 'was breached';
        await mail.send({
          accountId: input.accountId,
          from: config.mail.defaultFrom,
          to: [user.email],
          subject: `SLA ${what}: ${input.target.replace('_', ' ')} on a ticket`,
          text: [
            `The ${input.target.replace('_', ' ')} target of policy "${input.policyName ?? 'none'}" ${what}.`,
            input.dueAt ? `Due: ${input.dueAt}` : null,
            `Ticket: ${config.publicUrl.replace(/\/+$/, '')}/#/tickets/${encodeURIComponent(input.ticketId)}`,
          ].filter((line) => line !== null).join('\n'),
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
        await em.execute('INSERT INTO sent_notification_emails (id, sent_at) VALUES (?, now()) ON CONFLICT DO NOTHING', [id]);
      }
    },

    /** A page of the account's tickets that are not closed, by id, for the SLA fan-out. */
    async listOpenTicketsForSla(input: { accountId: string; afterTicketId: string | null }): Promise<string[]> {
      const rows = await orm.em.fork().execute<{ id: string }[]>(
        `SELECT id FROM tickets WHERE account_id = ? AND status <> 'closed' AND (?::text IS NULL OR id > ?) ORDER BY id LIMIT ?`,
        [input.accountId, input.afterTicketId, input.afterTicketId, SLA_REPLAN_PAGE_SIZE],
      );
      return rows.map((row) => row.id);
    },
  };
}
