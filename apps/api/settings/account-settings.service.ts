import { Inject, Injectable } from '@nestjs/common';
import { resolveAccountSettings, type AccountSettings } from '../../../libs/domain/account-settings.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { ORM } from '../tokens.js';

/** Reads and changes an account's settings document; channels change their own section only. */
@Injectable()
export class AccountSettingsService {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  async get(accountId: string): Promise<AccountSettings> {
    const [row] = await this.orm.em.fork().execute<{ settings: Record<string, unknown> }[]>('SELECT settings FROM accounts WHERE id = ?', [accountId]);
    return resolveAccountSettings(row?.settings);
  }

  /** Top-level (general) settings. */
  async update(accountId: string, changes: object): Promise<AccountSettings> {
    await this.orm.em.fork().execute('UPDATE accounts SET settings = settings || ?::jsonb WHERE id = ?', [JSON.stringify(changes), accountId]);
    return this.get(accountId);
  }

  /** One channel's section, key by key: keys not in `changes` keep their value. */
  async updateSection(accountId: string, section: string, changes: object): Promise<AccountSettings> {
    await this.orm.em.fork().execute(
      `UPDATE accounts SET settings = jsonb_set(settings, ARRAY[?]::text[], COALESCE(settings -> ?, '{}'::jsonb) || ?::jsonb) WHERE id = ?`,
      [section, section, JSON.stringify(changes), accountId],
    );
    return this.get(accountId);
  }
}
