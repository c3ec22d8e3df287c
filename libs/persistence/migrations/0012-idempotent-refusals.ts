import { Migration } from '@mikro-orm/migrations';

/**
 * An action the ticket refused (409) under an Idempotency-Key keeps that answer: a retry with the key
 * gets the same 409, not a second try that the ticket's later state might let through. A refusal leaves
 * nothing in the workflow's history (the update validator rejected it), so it is remembered here.
 */
export class Migration0012IdempotentRefusals extends Migration {
  override name = '0012-idempotent-refusals';

  override up(): void {
    this.addSql('ALTER TABLE idempotency_keys ADD COLUMN refusal jsonb');
  }

  override down(): void {
    this.addSql('ALTER TABLE idempotency_keys DROP COLUMN refusal');
  }
}
