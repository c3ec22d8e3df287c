import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { canManageAccount, type Role } from '../../../libs/domain/access.js';
import { ApiError } from '../common/api-error.js';
import { RateLimited } from '../rate-limits/rate-limited.decorator.js';

/** The user behind a user token. */
export interface PrincipalUser {
  id: string;
  role: Role;
  email: string;
  name: string;
}

/** A user token of a role that may use the inbox: what every non-public, non-integration route gets. */
export interface AgentPrincipal {
  kind: 'user';
  accountId: string;
  user: PrincipalUser;
}

/** An integration token: what @IntegrationOnly() routes get. */
export interface IntegrationPrincipal {
  kind: 'integration';
  accountId: string;
  user?: undefined;
}

export type Principal = AgentPrincipal | IntegrationPrincipal;

export const IS_PUBLIC = 'auth:public';
export const INTEGRATION_ONLY = 'auth:integration-only';
export const VISITOR_TOKEN = 'auth:visitor-token';

/** The route needs no token at all (health, diagnostics, webhooks that authenticate otherwise). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** A web-chat visitor's route: no API token, the handler checks the conversation's signed visitor token. */
export const VisitorToken = () => applyDecorators(Public(), SetMetadata(VISITOR_TOKEN, true));

/** The route needs an integration token; user tokens are refused with 403. Each token has its own rate limit. */
export const IntegrationOnly = () => applyDecorators(SetMetadata(INTEGRATION_ONLY, true), RateLimited('integrationPerToken'));

/** `sessionId` is set when the request authenticated with a session cookie (for sign-out). */
export type RequestWithPrincipal = Request & { principal?: Principal; sessionId?: string };

/**
 * The caller, as the global BearerAuthGuard authenticated it: `{ kind, accountId, user? }`.
 * On ordinary routes it is an AgentPrincipal (user always set), on @IntegrationOnly() routes an
 * IntegrationPrincipal. Not available on @Public() routes.
 */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<RequestWithPrincipal>().principal;
  if (!principal) throw new Error('@CurrentPrincipal() used on a route that was not authenticated (is it @Public()?)');
  return principal;
});

/** Owners and admins only (libs/domain/access.ts): anyone else gets 403 naming their role and what it may not do. */
export function requireAccountManager(principal: AgentPrincipal, action: string): void {
  if (!canManageAccount(principal.user.role)) throw ApiError.forbidden(`role ${principal.user.role} may not ${action}`);
}
