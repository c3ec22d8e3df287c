import { Body, Controller, Get, HttpStatus, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '../../../libs/accounts/audit-log.js';
import { TeamAccessService, type TeamMember } from '../../../libs/accounts/team-access.service.js';
import { CurrentPrincipal, requireAccountManager, type AgentPrincipal } from '../auth/principal.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { asApiErrors } from './team-errors.js';
import { TeamMailer } from './team-mailer.js';
import { AuditLogDto, AuditLogQuery, InvitationBody, InvitationDto, RoleChangeBody, TeamMemberDto } from './team.dto.js';

export function teamMemberDto(member: TeamMember): TeamMemberDto {
  return { id: member.id, name: member.name, email: member.email, role: member.role, status: member.status, lastActiveAt: member.lastActiveAt?.toISOString() ?? null };
}

export function assertTeamManager(principal: AgentPrincipal): void {
  requireAccountManager(principal, 'manage the team');
}

const actorOf = (principal: AgentPrincipal) => ({ accountId: principal.accountId, userId: principal.user.id, role: principal.user.role });

/** Team management for owners and admins: invitations, roles, deactivation, and the audit log (SPEC §10). */
@ApiTags('team')
@ApiBearerAuth()
@ApiForbiddenResponse({ type: ApiErrorBody, description: 'Only owners and admins manage the team; only an owner creates, promotes to or demotes from owner' })
@Controller()
export class TeamController {
  constructor(
    @Inject(TeamAccessService) private readonly team: TeamAccessService,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(TeamMailer) private readonly mailer: TeamMailer,
  ) {}

  @Post('users/invitations')
  @ApiOperation({ summary: 'Invite someone by email with a role; the link is valid 7 days and works once' })
  @ApiCreatedResponse({ type: InvitationDto })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'email_taken: the account has a user with this email already' })
  async invite(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: InvitationBody): Promise<InvitationDto> {
    assertTeamManager(principal);
    const invitation = await asApiErrors(() => this.team.invite(actorOf(principal), body.email, body.role));
    await this.audit.record({ accountId: principal.accountId, actorUserId: principal.user.id, action: 'invitation.created', target: `invitation:${invitation.id}`, details: { email: invitation.email, role: invitation.role } });
    const link = this.mailer.link('/accept-invitation', invitation.rawToken);
    await this.mailer.send(
      principal.accountId,
      invitation.email,
      'You are invited to the support inbox',
      `${principal.user.name} invited you to the support inbox as ${invitation.role}.\n\nAccept before ${invitation.expiresAt.toISOString()}: ${link}\n`,
    );
    return { id: invitation.id, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt.toISOString() };
  }

  @Patch('users/:id')
  @ApiOperation({ summary: 'Change a user\'s role' })
  @ApiOkResponse({ type: TeamMemberDto })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'last_owner: the account must keep at least one active owner' })
  async changeRole(@CurrentPrincipal() principal: AgentPrincipal, @Param('id') userId: string, @Body() body: RoleChangeBody): Promise<TeamMemberDto> {
    assertTeamManager(principal);
    const change = await asApiErrors(() => this.team.changeRole(actorOf(principal), userId, body.role));
    if (change.oldRole !== change.newRole) {
      await this.audit.record({ accountId: principal.accountId, actorUserId: principal.user.id, action: 'user.role_changed', target: `user:${userId}`, details: { old: change.oldRole, new: change.newRole } });
    }
    return this.member(principal.accountId, userId);
  }

  @Post('users/:id/deactivate')
  @ApiOperation({ summary: 'Deactivate a user: their sessions end and their tokens are revoked at once; their tickets stay assigned' })
  @ApiCreatedResponse({ type: TeamMemberDto })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'last_owner: the account must keep at least one active owner' })
  async deactivate(@CurrentPrincipal() principal: AgentPrincipal, @Param('id') userId: string): Promise<TeamMemberDto> {
    assertTeamManager(principal);
    const ended = await asApiErrors(() => this.team.deactivate(actorOf(principal), userId));
    await this.audit.record({ accountId: principal.accountId, actorUserId: principal.user.id, action: 'user.deactivated', target: `user:${userId}`, details: { ...ended } });
    return this.member(principal.accountId, userId);
  }

  @Get('audit-log')
  @ApiOperation({ summary: 'The audit log of administration, newest first (owners and admins)' })
  @ApiOkResponse({ type: AuditLogDto })
  async auditLog(@CurrentPrincipal() principal: AgentPrincipal, @Query() query: AuditLogQuery): Promise<AuditLogDto> {
    assertTeamManager(principal);
    const limit = query.limit ?? 50;
    const entries = await this.audit.list(principal.accountId, {
      action: query.action,
      actorUserId: query.actorUserId,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      cursor: query.cursor,
      limit,
    });
    return {
      entries: entries.map((entry) => ({ id: entry.id, action: entry.action, actorUserId: entry.actorUserId, target: entry.target, details: entry.details, createdAt: entry.createdAt.toISOString() })),
      nextCursor: entries.length === limit ? entries[entries.length - 1]!.cursor : null,
    };
  }

  private async member(accountId: string, userId: string): Promise<TeamMemberDto> {
    const member = (await this.team.listTeam(accountId)).find(({ id }) => id === userId);
    if (!member) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', `user ${userId} does not exist in this account`);
    return teamMemberDto(member);
  }
}
