import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccountsService } from '../../../libs/accounts/accounts.service.js';
import { AuditLog } from '../../../libs/accounts/audit-log.js';
import { prepareDummyHash } from '../../../libs/accounts/passwords.js';
import { TeamAccessService } from '../../../libs/accounts/team-access.service.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { SignInController } from '../team/sign-in.controller.js';
import { TeamMailer } from '../team/team-mailer.js';
import { TeamController } from '../team/team.controller.js';
import { TokensController } from '../team/tokens.controller.js';
import { ORM } from '../tokens.js';
import { AccountsController } from './accounts.controller.js';
import { BearerAuthGuard } from './bearer-auth.guard.js';

/**
 * Authentication for the whole API: the global guard (bearer tokens and session cookies; see
 * principal.ts for the decorators), AccountsService and the audit log for other modules (global, so
 * settings controllers can record their changes), GET /me and GET /users, and the team endpoints of
 * apps/api/team (sign-in, invitations, roles, tokens, audit log).
 */
@Global()
@Module({
  controllers: [AccountsController, SignInController, TeamController, TokensController],
  providers: [
    { provide: AccountsService, useFactory: (orm: Orm) => new AccountsService(orm), inject: [ORM] },
    {
      provide: TeamAccessService,
      // The dummy hash is made before the first request, so the first sign-in with an unknown email is not the slow one.
      useFactory: async (orm: Orm) => {
        await prepareDummyHash();
        return new TeamAccessService(orm);
      },
      inject: [ORM],
    },
    { provide: AuditLog, useFactory: (orm: Orm) => new AuditLog(orm), inject: [ORM] },
    TeamMailer,
    { provide: APP_GUARD, useClass: BearerAuthGuard },
  ],
  exports: [AccountsService, TeamAccessService, AuditLog],
})
export class AuthModule {}
