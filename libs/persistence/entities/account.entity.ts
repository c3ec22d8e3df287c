import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A brand using the inbox. Every ticket, profile and setting belongs to exactly one account (SPEC §10). */
export const Account = defineEntity({
  name: 'Account',
  tableName: 'accounts',
  properties: {
    id: p.string().primary(),
    name: p.string(),
    /** Partial settings as stored; see libs/domain/account-settings.ts for the defaults. */
    settings: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
  },
});
export type Account = InferEntity<typeof Account>;
