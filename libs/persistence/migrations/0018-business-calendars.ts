import { Migration } from '@mikro-orm/migrations';

/**
 * Named business-hours calendars per account (docs/service-levels.md, "Business-hours calendars"):
 * an IANA time zone, the weekly hours and the holidays, the last two as the JSON of
 * libs/calendars/business-calendar.ts (`weekly`: [{day, windows: [{opens, closes}]}], `holidays`:
 * [{date, name?, closed: true} | {date, name?, windows}]). The API validates them before they are
 * stored. Names are unique per account regardless of case.
 */
export class Migration0018BusinessCalendars extends Migration {
  override name = '0018-business-calendars';

  override up(): void {
    this.addSql(`
      CREATE TABLE business_calendars (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (btrim(name) <> ''),
        time_zone text NOT NULL,
        weekly jsonb NOT NULL CHECK (jsonb_typeof(weekly) = 'array'),
        holidays jsonb NOT NULL CHECK (jsonb_typeof(holidays) = 'array'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql('CREATE UNIQUE INDEX business_calendars_account_name ON business_calendars (account_id, lower(name))');
  }

  override down(): void {
    this.addSql('DROP TABLE business_calendars');
  }
}
