import { Migration } from '@mikro-orm/migrations';

/**
 * Secrets at rest: the Twilio auth token is stored sealed (AES-256-GCM, libs/secrets/secret-box.ts).
 * SQL cannot encrypt, so this only renames the column; the values it still holds in plain text are
 * sealed by the API's start-up step (`sealSmsAuthTokens`, run right after the migrations), and
 * readers refuse an unsealed value. `down` renames back but leaves the values sealed.
 */
export class Migration0010EncryptedSecrets extends Migration {
  override name = '0010-encrypted-secrets';

  override up(): void {
    this.addSql('ALTER TABLE sms_channels RENAME COLUMN twilio_auth_token TO twilio_auth_token_sealed');
  }

  override down(): void {
    this.addSql('ALTER TABLE sms_channels RENAME COLUMN twilio_auth_token_sealed TO twilio_auth_token');
  }
}
