import { Inject, Injectable } from '@nestjs/common';
import { resolveAccountSettings, type AccountSettings } from '../../../libs/domain/account-settings.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { ORM } from '../tokens.js';

@Injectable()
export class AccountSettingsService {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  async get(accountId: string): Promise<AccountSettings> {
    const [row] = await this.orm.em.fork().execute<{ settings: Partial<AccountSettings> }[]>('SELECT settings FROM accounts WHERE id = ?', [accountId]);
    return resolveAccountSettings(row?.settings);
  }

  async update(accountId: string, changes: Partial<AccountSettings>): Promise<AccountSettings> {
    await this.orm.em.fork().execute('UPDATE accounts SET settings = settings || ?::jsonb WHERE id = ?', [JSON.stringify(changes), accountId]);
    return this.get(accountId);
  }
}
