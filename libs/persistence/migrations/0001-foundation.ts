import { Migration } from '@mikro-orm/migrations';

export class Migration0001Foundation extends Migration {
  override name = '0001-foundation';

  override up(): void {
    this.addSql(`
      CREATE TABLE round_trips (
        id text PRIMARY KEY,
        workflow_id text NOT NULL,
        requested_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
  }
}
