import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '../../../libs/accounts/audit-log.js';
import { TeamAccessService, type TokenRecord } from '../../../libs/accounts/team-access.service.js';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { asApiErrors } from './team-errors.js';
import { assertTeamManager } from './team.controller.js';
import { IssuedTokenDto, TokenBody, TokenDto, TokenListDto } from './team.dto.js';

function tokenDto(token: TokenRecord): TokenDto {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
  };
}

type TokenOwner = { kind: 'user'; userId: string } | { kind: 'integration' };

/** Personal tokens (anyone, for themselves) and integration tokens (owners and admins); the raw token is shown once. */
@ApiTags('team')
@ApiBearerAuth()
@Controller()
export class TokensController {
  constructor(
    @Inject(TeamAccessService) private readonly team: TeamAccessService,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  @Post('me/tokens')
  @ApiOperation({ summary: 'Create a personal token that acts as me' })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  createPersonal(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: TokenBody): Promise<IssuedTokenDto> {
    return this.issue(principal, { kind: 'user', userId: principal.user.id }, body);
  }

  @Get('me/tokens')
  @ApiOperation({ summary: 'My personal tokens that are not revoked' })
  @ApiOkResponse({ type: TokenListDto })
  async listPersonal(@CurrentPrincipal() principal: AgentPrincipal): Promise<TokenListDto> {
    return { tokens: (await this.team.listTokens(principal.accountId, { kind: 'user', userId: principal.user.id })).map(tokenDto) };
  }

  @Delete('me/tokens/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke one of my personal tokens; it is refused from the next request on' })
  @ApiNoContentResponse()
  revokePersonal(@CurrentPrincipal() principal: AgentPrincipal, @Param('id') tokenId: string): Promise<void> {
    return this.revoke(principal, { kind: 'user', userId: principal.user.id }, tokenId);
  }

  @Post('integration-tokens')
  @ApiOperation({ summary: 'Create an integration token (owners and admins)' })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  @ApiForbiddenResponse({ type: ApiErrorBody, description: 'Only owners and admins manage integration tokens' })
  createIntegration(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: TokenBody): Promise<IssuedTokenDto> {
    assertTeamManager(principal);
    return this.issue(principal, { kind: 'integration' }, body);
  }

  @Get('integration-tokens')
  @ApiOperation({ summary: 'The account\'s integration tokens that are not revoked (owners and admins)' })
  @ApiOkResponse({ type: TokenListDto })
  async listIntegration(@CurrentPrincipal() principal: AgentPrincipal): Promise<TokenListDto> {
    assertTeamManager(principal);
    return { tokens: (await this.team.listTokens(principal.accountId, { kind: 'integration' })).map(tokenDto) };
  }

  @Delete('integration-tokens/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an integration token (owners and admins)' })
  @ApiNoContentResponse()
  revokeIntegration(@CurrentPrincipal() principal: AgentPrincipal, @Param('id') tokenId: string): Promise<void> {
    assertTeamManager(principal);
    return this.revoke(principal, { kind: 'integration' }, tokenId);
  }

  private async issue(principal: AgentPrincipal, owner: TokenOwner, body: TokenBody): Promise<IssuedTokenDto> {
    const issued = await asApiErrors(() =>
      this.team.issueToken({ accountId: principal.accountId, kind: owner.kind, userId: owner.kind === 'user' ? owner.userId : undefined, name: body.name, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined }),
    );
    await this.audit.record({ accountId: principal.accountId, actorUserId: principal.user.id, action: 'token.created', target: `token:${issued.id}`, details: { kind: owner.kind, name: issued.name, prefix: issued.prefix, expiresAt: issued.expiresAt?.toISOString() ?? null } });
    return { ...tokenDto(issued), token: issued.rawToken };
  }

  private async revoke(principal: AgentPrincipal, owner: TokenOwner, tokenId: string): Promise<void> {
    const revoked = await this.team.revokeToken(principal.accountId, owner, tokenId);
    if (!revoked) throw ApiError.notFound(`no live ${owner.kind === 'user' ? 'personal' : 'integration'} token ${tokenId}`);
    await this.audit.record({ accountId: principal.accountId, actorUserId: principal.user.id, action: 'token.revoked', target: `token:${tokenId}`, details: { kind: owner.kind, name: revoked.name, prefix: revoked.prefix } });
  }
}
