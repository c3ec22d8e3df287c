import { Migration } from '@mikro-orm/migrations';
import { PRIORITY_RANK_SQL } from '../priority-rank.js';

/**
 * Ticket priority (service levels, SPEC §12): low, normal (the default, also of every existing ticket), high or
 * urgent. Views sort by it, most urgent first: the index serves that order (its expression is the one the
 * queries use, PRIORITY_RANK_SQL). The column's constant default adds it without rewriting the table.
 */
export class Migration0019TicketPriority extends Migration {
  override name = '0019-ticket-priority';

  override up(): void {
    this.addSql(`ALTER TABLE tickets ADD COLUMN priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent'))`);
    this.addSql(`CREATE INDEX tickets_account_priority ON tickets (account_id, (${PRIORITY_RANK_SQL('priority')}) DESC, updated_at DESC, id DESC)`);
  }

  override down(): void {
    this.addSql('DROP INDEX tickets_account_priority');
    this.addSql('ALTER TABLE tickets DROP COLUMN priority');
  }
}
