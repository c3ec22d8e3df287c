import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { SlaProfileFacts } from '../domain/sla-policies.js';

/**
 * The customer's profile as SLA policies match on it (conditions.profile): its Shopify orders not cancelled
 * and their total, with the profiles joined into it, and its churn risk from the predictive analytics.
 * Null when the account has no such profile.
 */
export async function loadSlaProfileFacts(em: SqlEntityManager, accountId: string, profileId: string): Promise<SlaProfileFacts | null> {
  const [row] = await em.execute<{ orders: string; lifetime_value: string | null; churn: number | null }[]>(
    `WITH profile AS (SELECT COALESCE(p.merged_into, p.id) AS id FROM profiles p WHERE p.id = ? AND p.account_id = ?),
       orders AS (
         SELECT o.total_amount FROM shopify_orders o
         WHERE o.cancelled_at IS NULL AND o.profile_id IN (SELECT j.id FROM profiles j, profile WHERE j.id = profile.id OR j.merged_into = profile.id))
     SELECT (SELECT count(*) FROM orders) AS orders, (SELECT sum(total_amount) FROM orders) AS lifetime_value,
            (SELECT (pp.figures->>'churnProbability')::float8 FROM profile_predictions pp WHERE pp.profile_id = profile.id) AS churn
     FROM profile`,
    [profileId, accountId],
  );
  if (!row) return null;
  return { orders: Number(row.orders), lifetimeValue: Number(row.lifetime_value ?? 0), churnRiskPercent: row.churn === null ? null : Math.round(row.churn * 1000) / 10 };
}
