import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { csatLink, csatToken, hashCsatToken } from '../libs/csat/csat-tokens.js';
import { resolveAccountSettings } from '../libs/domain/account-settings.js';
import { csatSurveyText, type CsatSettings } from '../libs/domain/csat.js';
import type { SmsConsent } from '../libs/domain/sms-consent.js';
import { currentSmsConsent } from '../libs/sms/sms-profiles.js';
import type { TicketProjection } from '../libs/temporal/contracts/ticket.js';
import type { ActivityDependencies } from './dependencies.js';
import { writeProjection } from './tickets.activities.js';
import { storing } from './unstorable-data.js';

/** What the workflow decides a closed ticket's survey on (libs/domain/csat.ts, decideCsatSurvey). */
export interface CsatFactsRecord {
  settings: CsatSettings;
  lastSurveySentAt: string | null;
  smsConsent: SmsConsent | null;
  hasRecipient: boolean;
}

export function createCsatActivities({ config, orm }: ActivityDependencies) {
  const transaction = <T>(work: (em: SqlEntityManager) => Promise<T>) => storing(() => orm.em.fork().transactional(work));

  return {
    /** The account's survey settings, the ticket's last survey and, for SMS, the number's consent. Reads only. */
    async loadCsatFacts(input: { accountId: string; ticketId: string }): Promise<CsatFactsRecord> {
      const em = orm.em.fork();
      const [row] = await em.execute<{ settings: Record<string, unknown>; channel: string; customer_email: string | null; customer_phone: string | null; last_sent_at: Date | null }[]>(
        `SELECT a.settings, t.channel, t.customer_email, t.customer_phone,
           (SELECT max(s.sent_at) FROM csat_surveys s WHERE s.ticket_id = t.id) AS last_sent_at
         FROM tickets t JOIN accounts a ON a.id = t.account_id WHERE t.id = ? AND t.account_id = ?`,
        [input.ticketId, input.accountId],
      );
      const settings = resolveAccountSettings(row?.settings).csat;
      if (!row) return { settings, lastSurveySentAt: null, smsConsent: null, hasRecipient: false };
      const hasRecipient = row.channel === 'web_chat' || (row.channel === 'email' ? row.customer_email !== null : row.customer_phone !== null);
      return {
        settings,
        lastSurveySentAt: row.last_sent_at ? new Date(row.last_sent_at).toISOString() : null,
        smsConsent: row.channel === 'sms' && row.customer_phone ? await currentSmsConsent(orm, input.accountId, row.customer_phone) : null,
        hasRecipient,
      };
    },

    /**
     * Records the workflow's decision (the `csat_survey` event) and, for a survey sent, the survey row and its
     * message on the ticket (automated, to be delivered like any other), in one transaction. Ids are the close's,
     * and the link's token derives from the survey id, so a retry writes the same rows and the same link.
     */
    async recordCsatSurvey(input: { projection: TicketProjection; survey: { surveyId: string; messageId: string; closedByUserId: string | null; question: string } | null }): Promise<void> {
      const { state } = input.projection;
      await transaction(async (em) => {
        const survey = input.survey;
        if (survey) {
          // The deployment's ticket-id key, with a purpose prefix inside csatToken: no second secret to manage.
          if (!config.ticketIdSecret) throw new Error('TICKET_ID_SECRET is not set: survey links are keyed by it');
          const token = csatToken(config.ticketIdSecret, survey.surveyId);
          await em.execute(
            `INSERT INTO csat_surveys (id, account_id, ticket_id, channel, token_hash, closed_by_user_id, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
            [survey.surveyId, state.accountId, state.ticketId, state.channel, hashCsatToken(token), survey.closedByUserId, state.updatedAt],
          );
          await em.execute(
            `INSERT INTO messages (id, ticket_id, account_id, direction, body, delivery_status, recorded_at_version, created_at)
             VALUES (?, ?, ?, 'outbound', ?, 'pending', ?, ?) ON CONFLICT (id) DO NOTHING`,
            [survey.messageId, state.ticketId, state.accountId, csatSurveyText(state.channel, survey.question, csatLink(config.publicUrl, token)), state.version, state.updatedAt],
          );
        }
        await writeProjection(em, input.projection);
      });
    },
  };
}
