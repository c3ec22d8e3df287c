import { Migration } from '@mikro-orm/migrations';

/**
 * Shopify orders (SPEC §6): the shop an account connected (its Admin API token and webhook secret
 * sealed like the Twilio auth token), the orders synced by webhook or backfill under the customer's
 * profile, webhook deliveries already handled (Shopify retries them), and the order edits and cancels
 * agents start, each a Temporal workflow whose state is mirrored here.
 */
export class Migration0014Shopify extends Migration {
  override name = '0014-shopify';

  override up(): void {
    this.addSql(`
      CREATE TABLE shopify_connections (
        account_id text PRIMARY KEY,
        shop_domain text NOT NULL,
        access_token_sealed text NOT NULL,
        webhook_secret_sealed text NOT NULL,
        api_version text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`
      CREATE TABLE shopify_orders (
        id text PRIMARY KEY,
        account_id text NOT NULL,
        profile_id text REFERENCES profiles (id),
        customer_id text,
        name text NOT NULL,
        placed_at timestamptz NOT NULL,
        cancelled_at timestamptz,
        financial_status text,
        fulfillment_status text,
        total_amount numeric NOT NULL,
        currency text NOT NULL,
        line_items jsonb NOT NULL DEFAULT '[]',
        shopify_updated_at timestamptz NOT NULL,
        synced_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql('CREATE INDEX shopify_orders_profile ON shopify_orders (profile_id, placed_at DESC, id DESC) WHERE profile_id IS NOT NULL');
    this.addSql('CREATE INDEX shopify_orders_account_placed ON shopify_orders (account_id, placed_at)');
    this.addSql(`
      CREATE TABLE shopify_webhook_deliveries (
        account_id text NOT NULL,
        webhook_id text NOT NULL,
        topic text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, webhook_id)
      )`);
    this.addSql(`
      CREATE TABLE order_operations (
        id text PRIMARY KEY,
        account_id text NOT NULL,
        order_id text NOT NULL,
        ticket_id text,
        kind text NOT NULL CHECK (kind IN ('edit', 'cancel')),
        status text NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
        actor_user_id text NOT NULL,
        request jsonb NOT NULL,
        result jsonb,
        -- Set once, right before the edit's commit (or the cancel) is sent: a retry that finds it set
        -- first checks the shop, so the change is never sent twice.
        mutation_sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql('CREATE INDEX order_operations_order ON order_operations (order_id, created_at DESC)');
    this.addSql('CREATE INDEX shopify_orders_account_customer ON shopify_orders (account_id, customer_id)');
  }

  override down(): void {
    this.addSql('DROP TABLE order_operations');
    this.addSql('DROP TABLE shopify_webhook_deliveries');
    this.addSql('DROP TABLE shopify_orders');
    this.addSql('DROP TABLE shopify_connections');
  }
}
