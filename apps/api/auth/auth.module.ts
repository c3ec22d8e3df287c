import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccountsService } from '../../../libs/accounts/accounts.service.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { ORM } from '../tokens.js';
import { AccountsController } from './accounts.controller.js';
import { BearerAuthGuard } from './bearer-auth.guard.js';

/**
 * Authentication for the whole API: the global bearer-token guard (see principal.ts for the
 * decorators), AccountsService for other modules, and GET /me and GET /users.
 */
@Module({
  controllers: [AccountsController],
  providers: [
    { provide: AccountsService, useFactory: (orm: Orm) => new AccountsService(orm), inject: [ORM] },
    { provide: APP_GUARD, useClass: BearerAuthGuard },
  ],
  exports: [AccountsService],
})
export class AuthModule {}
