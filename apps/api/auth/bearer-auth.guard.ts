import { HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { AccountsService } from '../../../libs/accounts/accounts.service.js';
import { TeamAccessService } from '../../../libs/accounts/team-access.service.js';
import { canUseInbox } from '../../../libs/domain/access.js';
import { ApiError } from '../common/api-error.js';
import { INTEGRATION_ONLY, IS_PUBLIC, type Principal, type RequestWithPrincipal } from './principal.js';
import { csrfRefusal, readCookie, SESSION_COOKIE } from './session-cookies.js';

/** Requests that change state: with a session cookie they need the CSRF header (docs/team-access.md). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function unauthenticated(response: Response, message: string): ApiError {
  response.setHeader('WWW-Authenticate', 'Bearer realm="inbox"');
  return new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', message);
}

/**
 * The global guard: every route needs `Authorization: Bearer <token>` or a session cookie (bearer wins
 * when both are sent; cookie requests that change state need the CSRF header) unless marked @Public().
 * Routes marked @IntegrationOnly() take integration tokens only; every other route takes user
 * tokens of a role that may use the inbox (SPEC §10).
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(TeamAccessService) private readonly team: TeamAccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const response = context.switchToHttp().getResponse<Response>();

    const header = request.headers.authorization;
    const integrationOnly = this.reflector.getAllAndOverride<boolean>(INTEGRATION_ONLY, targets) === true;
    const sessionCookie = readCookie(request, SESSION_COOKIE);
    if (!header && sessionCookie !== undefined) {
      const session = await this.team.resolveSession(sessionCookie);
      if (!session) throw unauthenticated(response, 'The session has ended or expired: sign in again');
      if (integrationOnly) throw ApiError.forbidden('this route needs an integration token; a signed-in user may not use it');
      if (!SAFE_METHODS.has(request.method.toUpperCase())) {
        const refusal = csrfRefusal(request, session.csrfHash);
        if (refusal) throw new ApiError(HttpStatus.FORBIDDEN, refusal, refusal === 'csrf_token_missing' ? 'send the inbox_csrf cookie\'s value in the X-CSRF-Token header' : 'the X-CSRF-Token header does not match this session\'s CSRF token');
      }
      const { user } = session;
      if (!canUseInbox(user.role)) throw ApiError.forbidden(`role ${user.role} may not use the inbox`);
      request.principal = { kind: 'user', accountId: user.accountId, user: { id: user.id, role: user.role, email: user.email, name: user.name } };
      request.sessionId = session.sessionId;
      return true;
    }
    if (!header) throw unauthenticated(response, 'Missing API token: send the header "Authorization: Bearer <token>" (or sign in for a session cookie)');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthenticated(response, 'Malformed Authorization header: expected "Bearer <token>"');
    const authentication = await this.accounts.authenticate(match[1]!);
    if (!authentication) throw unauthenticated(response, 'Invalid API token: it is unknown, revoked or expired, or its user is deactivated');

    let principal: Principal;
    if (authentication.kind === 'integration') {
      if (!integrationOnly) throw ApiError.forbidden('an integration token may only call the integration endpoints (/integration/...); use a user token for this route');
      principal = { kind: 'integration', accountId: authentication.account.id };
    } else {
      if (integrationOnly) throw ApiError.forbidden('this route needs an integration token; user tokens may not use it');
      const { user } = authentication;
      if (!canUseInbox(user.role)) throw ApiError.forbidden(`role ${user.role} may not use the inbox`);
      principal = { kind: 'user', accountId: authentication.account.id, user: { id: user.id, role: user.role, email: user.email, name: user.name } };
    }
    request.principal = principal;
    return true;
  }
}
