import {
  checkPredictiveAnalyticsQualifying,
  fitCustomerModels,
  predictProfileFigures,
  summariseOrders,
  type Order,
} from '../libs/domain/predictive-analytics/index.js';
import type { PredictionRefitInput, PredictionRefitReport } from '../libs/temporal/contracts/predictive-analytics.js';
import type { ActivityDependencies } from './dependencies.js';

/** Figures written per statement. */
const WRITE_BATCH = 500;

/**
 * An account's orders for the models: its Shopify orders (not cancelled) when it has any, otherwise its
 * "Placed Order" events with a value; each under the surviving profile of the person.
 */
async function ordersOf({ orm }: ActivityDependencies, accountId: string): Promise<Order[]> {
  const em = orm.em.fork();
  const shopify = await em.execute<{ profile_id: string; placed_at: Date; value: string }[]>(
    `SELECT COALESCE(p.merged_into, p.id) AS profile_id, o.placed_at, o.total_amount AS value
     FROM shopify_orders o JOIN profiles p ON p.id = o.profile_id
     WHERE o.account_id = ? AND o.cancelled_at IS NULL AND o.total_amount >= 0`,
    [accountId],
  );
  const rows = shopify.length > 0
    ? shopify
    : await em.execute<{ profile_id: string; placed_at: Date; value: string }[]>(
        `SELECT COALESCE(p.merged_into, p.id) AS profile_id, e.occurred_at AS placed_at, e.value
         FROM profile_events e JOIN profiles p ON p.id = e.profile_id
         WHERE e.account_id = ? AND e.metric = 'Placed Order' AND e.value IS NOT NULL AND e.value >= 0`,
        [accountId],
      );
  return rows.map((row) => ({ profileId: row.profile_id, placedAt: new Date(row.placed_at).toISOString(), value: Number(row.value) }));
}

export function createPredictiveAnalyticsActivities(dependencies: ActivityDependencies) {
  const { orm } = dependencies;
  return {
    /**
     * Fits the account's models on its order history and writes every profile's figures with the fit's
     * date, or records why the account does not qualify (and drops figures of an earlier fit).
     */
    async refitPredictions({ accountId }: PredictionRefitInput): Promise<PredictionRefitReport> {
      const fittedAt = new Date().toISOString();
      const orders = await ordersOf(dependencies, accountId);
      const summaries = summariseOrders(orders, fittedAt);
      const verdict = checkPredictiveAnalyticsQualifying(summaries, fittedAt);
      const reasons = verdict.qualifies ? [] : verdict.reasons;
      const report = { accountId, fittedAt, qualifies: verdict.qualifies, reasons, customers: summaries.length, orders: orders.length };

      if (!verdict.qualifies) {
        await orm.em.fork().transactional(async (em) => {
          await em.execute('DELETE FROM profile_predictions WHERE account_id = ?', [accountId]);
          await saveModel(em, report, null);
        });
        return { ...report, profiles: 0 };
      }

      const fits = fitCustomerModels(summaries);
      const models = { bgNbd: fits.bgNbd.parameters, gammaGamma: fits.gammaGamma.parameters };
      const figures = summaries.map((summary) => predictProfileFigures(summary, models, fittedAt));
      const parameters = { ...models, timeUnit: 'days', bgNbdLogLikelihood: fits.bgNbd.logLikelihood, gammaGammaLogLikelihood: fits.gammaGamma.logLikelihood };
      await orm.em.fork().transactional(async (em) => {
        await em.execute('DELETE FROM profile_predictions WHERE account_id = ?', [accountId]);
        for (let start = 0; start < figures.length; start += WRITE_BATCH) {
          const batch = figures.slice(start, start + WRITE_BATCH);
          await em.execute(
            `INSERT INTO profile_predictions (profile_id, account_id, fitted_at, figures)
             SELECT (f->>'profileId'), ?, ?, f FROM jsonb_array_elements(?::jsonb) AS f`,
            [accountId, fittedAt, JSON.stringify(batch)],
          );
        }
        await saveModel(em, report, parameters);
      });
      return { ...report, profiles: figures.length };
    },

    async accountsWithCustomers(): Promise<string[]> {
      const rows = await orm.em.fork().execute<{ account_id: string }[]>('SELECT DISTINCT account_id FROM profiles ORDER BY account_id');
      return rows.map((row) => row.account_id);
    },
  };
}

async function saveModel(
  em: { execute: (sql: string, params: unknown[]) => Promise<unknown> },
  report: Omit<PredictionRefitReport, 'profiles'>,
  parameters: Record<string, unknown> | null,
): Promise<void> {
  await em.execute(
    `INSERT INTO prediction_models (account_id, fitted_at, qualifies, reasons, parameters, customers, orders)
     VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)
     ON CONFLICT (account_id) DO UPDATE SET fitted_at = excluded.fitted_at, qualifies = excluded.qualifies, reasons = excluded.reasons,
       parameters = excluded.parameters, customers = excluded.customers, orders = excluded.orders`,
    [report.accountId, report.fittedAt, report.qualifies, JSON.stringify(report.reasons), parameters === null ? null : JSON.stringify(parameters), report.customers, report.orders],
  );
}
