import { Migration } from '@mikro-orm/migrations';

/**
 * Predictive analytics (SPEC §6): per account, the last fit of the BG/NBD and Gamma-Gamma models (or why
 * the account does not qualify yet), and per profile the figures that fit gave, so that each figure can
 * be explained by its model's fit date and parameters.
 */
export class Migration0015PredictiveAnalytics extends Migration {
  override name = '0015-predictive-analytics';

  override up(): void {
    this.addSql(`
      CREATE TABLE prediction_models (
        account_id text PRIMARY KEY,
        fitted_at timestamptz NOT NULL,
        qualifies boolean NOT NULL,
        reasons jsonb NOT NULL DEFAULT '[]',
        parameters jsonb,
        customers integer NOT NULL,
        orders integer NOT NULL
      )`);
    this.addSql(`
      CREATE TABLE profile_predictions (
        profile_id text PRIMARY KEY REFERENCES profiles (id),
        account_id text NOT NULL,
        fitted_at timestamptz NOT NULL,
        figures jsonb NOT NULL
      )`);
    this.addSql('CREATE INDEX profile_predictions_account ON profile_predictions (account_id, fitted_at)');
  }

  override down(): void {
    this.addSql('DROP TABLE profile_predictions');
    this.addSql('DROP TABLE prediction_models');
  }
}
