import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { Role } from '../../domain/access.js';

/** A person of an account; the role decides what they may do (libs/domain/access.ts). Emails are unique per account, ignoring case. */
export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.string().primary(),
    accountId: p.string(),
    email: p.string(),
    name: p.string(),
    role: p.string().$type<Role>(),
    createdAt: p.datetime(),
  },
});
export type User = InferEntity<typeof User>;
