import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export type ApiTokenKind = 'user' | 'integration';

/**
 * A bearer token of an account: a user's (acts as that user) or an integration's (posts inbound
 * messages). Only the SHA-256 hash of the token is stored; the token itself is shown once.
 */
export const ApiToken = defineEntity({
  name: 'ApiToken',
  tableName: 'api_tokens',
  properties: {
    id: p.string().primary(),
    accountId: p.string(),
    /** Set exactly for user tokens. */
    userId: p.string().nullable(),
    kind: p.string().$type<ApiTokenKind>(),
    name: p.string(),
    tokenHash: p.string(),
    createdAt: p.datetime(),
    lastUsedAt: p.datetime().nullable(),
  },
});
export type ApiToken = InferEntity<typeof ApiToken>;
