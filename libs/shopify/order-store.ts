import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../persistence/orm.js';
import { ProfileDirectory } from '../profiles/profile-directory.js';
import { customerIdentifiers, shopifyCustomerExternalId, type ShopifyCustomerContact, type ShopifyOrderRecord, type StoredLineItem } from './orders.js';

/** A stored order as the API shows it. */
export interface StoredShopifyOrder {
  id: string;
  accountId: string;
  profileId: string | null;
  customerId: string | null;
  name: string;
  placedAt: string;
  cancelledAt: string | null;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  total: { amount: string; currency: string };
  lineItems: StoredLineItem[];
  shopifyUpdatedAt: string;
  syncedAt: string;
}

export interface ShopifyOrderRow {
  id: string;
  account_id: string;
  profile_id: string | null;
  customer_id: string | null;
  name: string;
  placed_at: Date | string;
  cancelled_at: Date | string | null;
  financial_status: string | null;
  fulfillment_status: string | null;
  total_amount: string;
  currency: string;
  line_items: StoredLineItem[];
  shopify_updated_at: Date | string;
  synced_at: Date | string;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export function toStoredOrder(row: ShopifyOrderRow): StoredShopifyOrder {
  return {
    id: row.id,
    accountId: row.account_id,
    profileId: row.profile_id,
    customerId: row.customer_id,
    name: row.name,
    placedAt: iso(row.placed_at),
    cancelledAt: row.cancelled_at ? iso(row.cancelled_at) : null,
    financialStatus: row.financial_status,
    fulfillmentStatus: row.fulfillment_status,
    total: { amount: String(row.total_amount), currency: row.currency },
    lineItems: row.line_items,
    shopifyUpdatedAt: iso(row.shopify_updated_at),
    syncedAt: iso(row.synced_at),
  };
}

/** The stored order of this account, or null. */
export async function findStoredOrder(orm: Orm, accountId: string, orderId: string): Promise<StoredShopifyOrder | null> {
  const [row] = await orm.em.fork().execute<ShopifyOrderRow[]>('SELECT * FROM shopify_orders WHERE id = ? AND account_id = ?', [orderId, accountId]);
  return row ? toStoredOrder(row) : null;
}

/**
 * Stores an order unless the stored copy is as new or newer (Shopify delivers webhooks out of order, and a
 * backfill may read an order a webhook already brought). The profile is `profileId` when the caller knows it
 * (a backfill of that profile), else the one the customer's email, then phone, then Shopify id leads to
 * (created when none does). The Shopify customer id is remembered on the profile so later orders find it.
 */
export async function storeShopifyOrder(
  orm: Orm,
  accountId: string,
  order: ShopifyOrderRecord,
  customer: ShopifyCustomerContact | null,
  options: { profileId?: string } = {},
): Promise<{ stored: boolean; profileId: string | null }> {
  return orm.em.fork().transactional(async (em) => {
    const profileId = await profileFor(em, accountId, customer, options.profileId);
    const written = await em.execute<{ id: string }[]>(
      `INSERT INTO shopify_orders (id, account_id, profile_id, customer_id, name, placed_at, cancelled_at, financial_status, fulfillment_status,
         total_amount, currency, line_items, shopify_updated_at, synced_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, now())
       ON CONFLICT (id) DO UPDATE SET profile_id = COALESCE(excluded.profile_id, shopify_orders.profile_id),
         customer_id = COALESCE(excluded.customer_id, shopify_orders.customer_id), name = excluded.name, placed_at = excluded.placed_at,
         cancelled_at = excluded.cancelled_at, financial_status = excluded.financial_status, fulfillment_status = excluded.fulfillment_status,
         total_amount = excluded.total_amount, currency = excluded.currency, line_items = excluded.line_items,
         shopify_updated_at = excluded.shopify_updated_at, synced_at = excluded.synced_at
       WHERE shopify_orders.account_id = excluded.account_id AND shopify_orders.shopify_updated_at < excluded.shopify_updated_at
       RETURNING id`,
      [
        order.id,
        accountId,
        profileId,
        order.customerId,
        order.name,
        order.placedAt,
        order.cancelledAt,
        order.financialStatus,
        order.fulfillmentStatus,
        order.totalAmount,
        order.currency,
        JSON.stringify(order.lineItems),
        order.shopifyUpdatedAt,
      ],
    );
    return { stored: written.length > 0, profileId };
  });
}

async function profileFor(em: SqlEntityManager, accountId: string, customer: ShopifyCustomerContact | null, known: string | undefined): Promise<string | null> {
  const directory = new ProfileDirectory(em);
  if (known) {
    const profileId = await directory.surviving(known);
    if (customer?.customerId) await directory.addIdentifiers(accountId, profileId, [{ kind: 'external_id', value: shopifyCustomerExternalId(customer.customerId) }]);
    return profileId;
  }
  if (!customer) return null;
  const identifiers = customerIdentifiers(customer);
  if (identifiers.length === 0) return null;
  return (await directory.findOrCreate(accountId, identifiers, customer.name)).profileId;
}
