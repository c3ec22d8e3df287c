import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AccountsService } from '../../../libs/accounts/accounts.service.js';
import { TeamAccessService } from '../../../libs/accounts/team-access.service.js';
import { teamMemberDto } from '../team/team.controller.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { MeDto, UserListDto } from './accounts.dto.js';
import { CurrentPrincipal, type AgentPrincipal } from './principal.js';

@ApiTags('accounts')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ApiErrorBody, description: 'No token, or an unknown one' })
@ApiForbiddenResponse({ type: ApiErrorBody, description: 'An integration token, or a role that may not use the inbox' })
@Controller()
export class AccountsController {
  constructor(
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(TeamAccessService) private readonly team: TeamAccessService,
  ) {}

  @Get('me')
  @ApiOperation({ summary: 'The user the token belongs to, and their account' })
  @ApiOkResponse({ type: MeDto })
  async me(@CurrentPrincipal() principal: AgentPrincipal): Promise<MeDto> {
    const account = await this.accounts.findAccount(principal.accountId);
    if (!account) throw ApiError.notFound(`account ${principal.accountId} no longer exists`);
    const { id, name, email, role } = principal.user;
    return { user: { id, name, email, role }, account: { id: account.id, name: account.name } };
  }

  @Get('users')
  @ApiOperation({ summary: 'The users of my account with role, status and last activity, e.g. to pick an assignee' })
  @ApiOkResponse({ type: UserListDto })
  async users(@CurrentPrincipal() principal: AgentPrincipal): Promise<UserListDto> {
    return { users: (await this.team.listTeam(principal.accountId)).map(teamMemberDto) };
  }
}
