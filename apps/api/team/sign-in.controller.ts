import { Body, Controller, HttpCode, HttpStatus, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AccountsService } from '../../../libs/accounts/accounts.service.js';
import { AuditLog } from '../../../libs/accounts/audit-log.js';
import { TeamAccessService, type NewSession, type SessionUser } from '../../../libs/accounts/team-access.service.js';
import type { AppConfig } from '../../../libs/config/config.js';
import { createLogger } from '../../../libs/logger/logger.js';
import { CurrentPrincipal, Public, type AgentPrincipal, type RequestWithPrincipal } from '../auth/principal.js';
import { clearSessionCookies, setSessionCookies } from '../auth/session-cookies.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { RateLimiters, type RateLimitVerdict } from '../rate-limits/rate-limiters.js';
import { RateLimited } from '../rate-limits/rate-limited.decorator.js';
import { APP_CONFIG } from '../tokens.js';
import { asApiErrors } from './team-errors.js';
import { TeamMailer } from './team-mailer.js';
import { AcceptInvitationBody, PasswordResetBody, PasswordResetConfirmBody, SessionDto, SignInBody } from './team.dto.js';

const log = createLogger('team');

const THROTTLED = {
  status: HttpStatus.TOO_MANY_REQUESTS,
  type: ApiErrorBody,
  description: 'sign_in_throttled: too many failed sign-ins for this address or account (docs/team-access.md); retry after Retry-After seconds',
  headers: { 'Retry-After': { description: 'Seconds until sign-in is possible again', schema: { type: 'integer' } } },
};

/** Sign-in with email and password, sessions, password resets and accepting invitations (docs/team-access.md). */
@ApiTags('team')
@Controller()
export class SignInController {
  constructor(
    @Inject(TeamAccessService) private readonly team: TeamAccessService,
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(RateLimiters) private readonly limiters: RateLimiters,
    @Inject(TeamMailer) private readonly mailer: TeamMailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('auth/sign-in')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in with email and password: sets the session cookie (HttpOnly) and the inbox_csrf cookie' })
  @ApiOkResponse({ type: SessionDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'account_required: the email and password fit users of several accounts; send accountId' })
  @ApiUnauthorizedResponse({ type: ApiErrorBody, description: 'invalid_credentials: the email or the password is wrong (the answer does not say which)' })
  @ApiResponse(THROTTLED)
  async signIn(@Body() body: SignInBody, @Res({ passthrough: true }) response: Response): Promise<SessionDto> {
    const email = body.email.trim().toLowerCase();
    this.throttle(response, await this.limiters.failuresRefusal('signInFailuresPerEmail', email));
    const outcome = await this.team.verifySignIn(email, body.password, body.accountId);
    for (const accountId of outcome.outcome === 'ok' ? [outcome.user.accountId] : outcome.accountIds) {
      this.throttle(response, await this.limiters.failuresRefusal('signInFailuresPerAccount', accountId));
    }
    if (outcome.outcome === 'ambiguous') {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'account_required', 'this email and password fit users of several accounts: send accountId', 'accountId');
    }
    if (outcome.outcome === 'failed') {
      await this.limiters.failed('signInFailuresPerEmail', email);
      for (const accountId of outcome.accountIds) {
        await this.limiters.failed('signInFailuresPerAccount', accountId);
        await this.audit.record({ accountId, actorUserId: null, action: 'sign_in.failed', details: { email: body.email } });
      }
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'invalid_credentials', 'the email or the password is wrong');
    }
    await this.limiters.clearFailures('signInFailuresPerEmail', email);
    const session = await this.team.createSession(outcome.user);
    await this.audit.record({ accountId: outcome.user.accountId, actorUserId: outcome.user.id, action: 'sign_in.succeeded', target: `user:${outcome.user.id}`, details: { email: body.email } });
    return this.startSession(response, outcome.user, session);
  }

  @Post('auth/sign-out')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End this session and clear its cookies (with a bearer token nothing ends: revoke the token instead)' })
  @ApiNoContentResponse()
  async signOut(@CurrentPrincipal() principal: AgentPrincipal, @Req() request: RequestWithPrincipal, @Res({ passthrough: true }) response: Response): Promise<void> {
    if (request.sessionId) {
      await this.team.endSession(request.sessionId);
      await this.audit.record({ accountId: principal.accountId, actorUserId: principal.user.id, action: 'sign_out', target: `user:${principal.user.id}` });
    }
    clearSessionCookies(response, this.config);
  }

  @Post('auth/sign-out-everywhere')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End all of my sessions, on every device (API tokens stay valid)' })
  @ApiNoContentResponse()
  async signOutEverywhere(@CurrentPrincipal() principal: AgentPrincipal, @Res({ passthrough: true }) response: Response): Promise<void> {
    const ended = await this.team.endAllSessions(principal.user.id);
    await this.audit.record({ accountId: principal.accountId, actorUserId: principal.user.id, action: 'sessions.ended_everywhere', target: `user:${principal.user.id}`, details: { ended } });
    clearSessionCookies(response, this.config);
  }

  @Public()
  @Post('auth/password-reset')
  @RateLimited('passwordResetsPerEmail', 'passwordResetsPerIp')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Email a one-use password-reset link (valid 1 h) if a user has this address; always 202' })
  @ApiAcceptedResponse({ description: 'Whether or not the address belongs to a user' })
  async requestPasswordReset(@Body() body: PasswordResetBody): Promise<void> {
    // Sent after answering, so neither the answer nor its timing says whether the address exists.
    void this.sendPasswordResets(body.email).catch((error: Error) => log.warn('password reset mail failed', { error: error.message }));
  }

  @Public()
  @Post('auth/password-reset/confirm')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Set a new password with the emailed token; ends all of the user\'s sessions' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'reset_token_invalid: unknown, used or expired; or the password is too short or long' })
  async confirmPasswordReset(@Body() body: PasswordResetConfirmBody): Promise<void> {
    const user = await asApiErrors(() => this.team.confirmPasswordReset(body.token, body.password));
    await this.audit.record({ accountId: user.accountId, actorUserId: user.id, action: 'password_reset.completed', target: `user:${user.id}` });
  }

  @Public()
  @Post('invitations/accept')
  @ApiOperation({ summary: 'Accept an invitation: creates the user with this name and password and signs them in' })
  @ApiCreatedResponse({ type: SessionDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'invitation_invalid: unknown, used or expired; or the password is too short or long' })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'email_taken: the account has a user with this email already' })
  async acceptInvitation(@Body() body: AcceptInvitationBody, @Res({ passthrough: true }) response: Response): Promise<SessionDto> {
    const { user, invitationId, session } = await asApiErrors(() => this.team.acceptInvitation(body.token, body.name, body.password));
    await this.audit.record({ accountId: user.accountId, actorUserId: user.id, action: 'invitation.accepted', target: `invitation:${invitationId}`, details: { email: user.email, role: user.role } });
    return this.startSession(response, user, session);
  }

  private throttle(response: Response, verdict: RateLimitVerdict): void {
    if (verdict.allowed) return;
    response.setHeader('Retry-After', String(verdict.retryAfterSeconds));
    throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, 'sign_in_throttled', `too many failed sign-ins (${verdict.detail}); retry after ${verdict.retryAfterSeconds} s`);
  }

  private async startSession(response: Response, user: SessionUser, session: NewSession): Promise<SessionDto> {
    setSessionCookies(response, this.config, session);
    const account = await this.accounts.findAccount(user.accountId);
    return {
      user: { id: user.id, name: user.name, email: user.email, role: user.role },
      account: { id: user.accountId, name: account?.name ?? '' },
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
    };
  }

  private async sendPasswordResets(email: string): Promise<void> {
    for (const { user, rawToken } of await this.team.createPasswordResets(email)) {
      await this.audit.record({ accountId: user.accountId, actorUserId: null, action: 'password_reset.requested', target: `user:${user.id}`, details: { email: user.email } });
      const link = this.mailer.link('/reset-password', rawToken);
      await this.mailer.send(user.accountId, user.email, 'Reset your support inbox password', `Someone asked to reset the password of ${user.email}.\n\nSet a new one within an hour: ${link}\n\nIf it was not you, ignore this mail.\n`);
    }
  }
}
