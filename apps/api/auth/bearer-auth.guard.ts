import { HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { AccountsService } from '../../../libs/accounts/accounts.service.js';
import { canUseInbox } from '../../../libs/domain/access.js';
import { ApiError } from '../common/api-error.js';
import { INTEGRATION_ONLY, IS_PUBLIC, type Principal, type RequestWithPrincipal } from './principal.js';

function unauthenticated(response: Response, message: string): ApiError {
  response.setHeader('WWW-Authenticate', 'Bearer realm="inbox"');
  return new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', message);
}

/**
 * The global guard: every route needs `Authorization: Bearer <token>` unless marked @Public().
 * Routes marked @IntegrationOnly() take integration tokens only; every other route takes user
 * tokens of a role that may use the inbox (SPEC §10).
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AccountsService) private readonly accounts: AccountsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const response = context.switchToHttp().getResponse<Response>();

    const header = request.headers.authorization;
    if (!header) throw unauthenticated(response, 'Missing API token: send the header "Authorization: Bearer <token>"');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthenticated(response, 'Malformed Authorization header: expected "Bearer <token>"');
    const authentication = await this.accounts.authenticate(match[1]!);
    if (!authentication) throw unauthenticated(response, 'Invalid API token: it is unknown or has been revoked');

    const integrationOnly = this.reflector.getAllAndOverride<boolean>(INTEGRATION_ONLY, targets) === true;
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
