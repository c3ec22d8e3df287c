import type { Orm } from '../persistence/orm.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { ShopifyAdmin } from './shopify-admin.js';

/** An account's connected shop, without its secrets (settings, webhook checks of the shop domain). */
export interface ShopifyConnection {
  accountId: string;
  shopDomain: string;
  apiVersion: string;
}

/** The connection with the Admin API access token and the webhook signing secret opened. */
export interface ShopifyCredentials extends ShopifyConnection {
  accessToken: string;
  webhookSecret: string;
}

/** Both secrets are sealed (libs/secrets/secret-box.ts) bound to their row and column, as the Twilio auth token is. */
const accessTokenContext = (accountId: string) => `shopify_connections.access_token:${accountId}`;
const webhookSecretContext = (accountId: string) => `shopify_connections.webhook_secret:${accountId}`;

interface ConnectionRow {
  shop_domain: string;
  api_version: string;
  access_token_sealed: string;
  webhook_secret_sealed: string;
}

export async function findShopifyConnection(orm: Orm, accountId: string): Promise<ShopifyConnection | null> {
  const [row] = await orm.em.fork().execute<ConnectionRow[]>('SELECT shop_domain, api_version FROM shopify_connections WHERE account_id = ?', [accountId]);
  return row ? { accountId, shopDomain: row.shop_domain, apiVersion: row.api_version } : null;
}

/** Fails with a SecretBoxError (naming no value) when a secret cannot be opened. */
export async function findShopifyCredentials(orm: Orm, secrets: SecretBox, accountId: string): Promise<ShopifyCredentials | null> {
  const [row] = await orm.em.fork().execute<ConnectionRow[]>(
    'SELECT shop_domain, api_version, access_token_sealed, webhook_secret_sealed FROM shopify_connections WHERE account_id = ?',
    [accountId],
  );
  if (!row) return null;
  return {
    accountId,
    shopDomain: row.shop_domain,
    apiVersion: row.api_version,
    accessToken: secrets.open(row.access_token_sealed, accessTokenContext(accountId)),
    webhookSecret: secrets.open(row.webhook_secret_sealed, webhookSecretContext(accountId)),
  };
}

export async function saveShopifyConnection(orm: Orm, secrets: SecretBox, credentials: ShopifyCredentials): Promise<void> {
  const { accountId } = credentials;
  await orm.em.fork().execute(
    `INSERT INTO shopify_connections (account_id, shop_domain, access_token_sealed, webhook_secret_sealed, api_version, updated_at)
     VALUES (?, ?, ?, ?, ?, now())
     ON CONFLICT (account_id) DO UPDATE SET shop_domain = excluded.shop_domain, access_token_sealed = excluded.access_token_sealed,
       webhook_secret_sealed = excluded.webhook_secret_sealed, api_version = excluded.api_version, updated_at = excluded.updated_at`,
    [
      accountId,
      credentials.shopDomain,
      secrets.seal(credentials.accessToken, accessTokenContext(accountId)),
      secrets.seal(credentials.webhookSecret, webhookSecretContext(accountId)),
      credentials.apiVersion,
    ],
  );
}

/** Disconnects the shop; stored orders stay (they are the customers' history). */
export async function deleteShopifyConnection(orm: Orm, accountId: string): Promise<boolean> {
  const deleted = await orm.em.fork().execute<{ account_id: string }[]>('DELETE FROM shopify_connections WHERE account_id = ? RETURNING account_id', [accountId]);
  return deleted.length > 0;
}

/** The Admin API client of a connected shop; `apiBaseUrl` (SHOPIFY_API_BASE_URL) only in tests. */
export function shopifyAdminFor(credentials: ShopifyCredentials, apiBaseUrl: string | undefined): ShopifyAdmin {
  return new ShopifyAdmin({ shopDomain: credentials.shopDomain, accessToken: credentials.accessToken, apiVersion: credentials.apiVersion, apiBaseUrl });
}

/** Where Shopify posts an account's webhooks, under PUBLIC_URL. */
export function shopifyWebhookPath(accountId: string): string {
  return `/webhooks/shopify/${accountId}`;
}
