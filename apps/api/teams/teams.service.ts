import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { SqlEntityManager as EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { AuditLog } from '../../../libs/accounts/audit-log.js';
import type { AppConfig } from '../../../libs/config/config.js';
import type { Role } from '../../../libs/domain/access.js';
import { routingConditionsProblem, type AssignmentMode, type Availability, type TeamRuleConditions } from '../../../libs/domain/team-assignment.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { signalTeamCapacityChanged } from '../../../libs/teams/assigner-signals.js';
import { teamAssignerWorkflowId, teamQueueQuery, type WaitingTicket } from '../../../libs/temporal/contracts/teams.js';
import type { AgentPrincipal } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import { APP_CONFIG, ORM, TEMPORAL_CLIENT } from '../tokens.js';
import type { AgentLoadDto, TeamBody, TeamDto, TeamPatchBody, TeamRoutingRuleBody, TeamRoutingRuleDto } from './teams.dto.js';

/** Who changes teams, their members, routing rules and agents' capacity. */
const TEAM_MANAGER_ROLES: readonly Role[] = ['owner', 'admin', 'manager'];

interface TeamRow {
  id: string;
  name: string;
  assignment_mode: AssignmentMode;
  auto_assign: boolean;
  member_ids: string[] | null;
  created_at: Date;
  updated_at: Date;
}

const TEAM_COLUMNS = `t.id, t.name, t.assignment_mode, t.auto_assign, t.created_at, t.updated_at,
  ARRAY(SELECT m.user_id FROM team_members m WHERE m.team_id = t.id ORDER BY m.position, m.user_id) AS member_ids`;

const toTeam = (row: TeamRow): TeamDto => ({
  id: row.id,
  name: row.name,
  assignmentMode: row.assignment_mode,
  autoAssign: row.auto_assign,
  memberIds: row.member_ids ?? [],
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

/** Audit sections, like the SLA policies': a team's own changes under `team:<id>`, the routing rules under `teamRoutingRules`. */
const teamSection = (teamId: string) => `team:${teamId}`;
const ROUTING_RULES_SECTION = 'teamRoutingRules';
const definitionOf = (team: TeamDto) => ({ name: team.name, assignmentMode: team.assignmentMode, autoAssign: team.autoAssign, memberIds: team.memberIds });

/**
 * Teams (tables of migration 0025, docs/teams.md): owners, admins and managers change them; every inbox role
 * reads them. A change that can free or add capacity (members, availability, capacity, auto-assign, mode)
 * signals the assigners of the teams concerned, so their waiting tickets are tried again.
 */
@Injectable()
export class TeamsService {
  private readonly logger = new Logger(TeamsService.name);

  constructor(
    @Inject(ORM) private readonly orm: Orm,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  async list(accountId: string): Promise<TeamDto[]> {
    const rows = await this.orm.em.fork().execute<TeamRow[]>(`SELECT ${TEAM_COLUMNS} FROM teams t WHERE t.account_id = ? ORDER BY lower(t.name), t.id`, [accountId]);
    return rows.map(toTeam);
  }

  async find(accountId: string, teamId: string, em: EntityManager = this.orm.em.fork()): Promise<TeamDto> {
    const [row] = await em.execute<TeamRow[]>(`SELECT ${TEAM_COLUMNS} FROM teams t WHERE t.id = ? AND t.account_id = ?`, [teamId, accountId]);
    if (!row) throw ApiError.notFound(`team ${teamId} not found`);
    return toTeam(row);
  }

  async create(principal: AgentPrincipal, body: TeamBody): Promise<TeamDto> {
    requireTeamManager(principal);
    const name = body.name.trim();
    const memberIds = body.memberIds ?? [];
    const teamId = `team-${randomUUID()}`;
    const team = await this.uniqueName(name, () =>
      this.orm.em.fork().transactional(async (em) => {
        await this.assertMembers(em, principal.accountId, memberIds, 'memberIds');
        await em.execute(
          `INSERT INTO teams (id, account_id, name, assignment_mode, auto_assign, created_at, updated_at) VALUES (?, ?, ?, ?, ?, now(), now())`,
          [teamId, principal.accountId, name, body.assignmentMode ?? 'round_robin', body.autoAssign ?? true],
        );
        await this.writeMembers(em, teamId, memberIds);
        return this.find(principal.accountId, teamId, em);
      }),
    );
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, teamSection(teamId), {}, definitionOf(team));
    return team;
  }

  async update(principal: AgentPrincipal, teamId: string, body: TeamPatchBody): Promise<TeamDto> {
    requireTeamManager(principal);
    const before = await this.find(principal.accountId, teamId);
    const name = body.name?.trim();
    const after = await this.uniqueName(name ?? before.name, async () => {
      const em = this.orm.em.fork();
      await em.execute(
        `UPDATE teams SET name = COALESCE(?, name), assignment_mode = COALESCE(?, assignment_mode), auto_assign = COALESCE(?, auto_assign), updated_at = now()
         WHERE id = ? AND account_id = ?`,
        [name ?? null, body.assignmentMode ?? null, body.autoAssign ?? null, teamId, principal.accountId],
      );
      return this.find(principal.accountId, teamId, em);
    });
    if (JSON.stringify(definitionOf(before)) !== JSON.stringify(definitionOf(after))) {
      await this.audit.recordSettingsChange(principal.accountId, principal.user.id, teamSection(teamId), definitionOf(before), definitionOf(after));
      await this.capacityChanged(principal.accountId, [teamId]);
    }
    return after;
  }

  async remove(principal: AgentPrincipal, teamId: string): Promise<void> {
    requireTeamManager(principal);
    const team = await this.find(principal.accountId, teamId);
    await this.orm.em.fork().execute('DELETE FROM teams WHERE id = ? AND account_id = ?', [teamId, principal.accountId]);
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, teamSection(teamId), definitionOf(team), {});
    // Its assigner finds the team gone and lets its waiting tickets go.
    await this.capacityChanged(principal.accountId, [teamId]);
  }

  async setMembers(principal: AgentPrincipal, teamId: string, userIds: string[]): Promise<TeamDto> {
    requireTeamManager(principal);
    const before = await this.find(principal.accountId, teamId);
    const after = await this.orm.em.fork().transactional(async (em) => {
      await this.assertMembers(em, principal.accountId, userIds, 'userIds');
      await em.execute('DELETE FROM team_members WHERE team_id = ?', [teamId]);
      await this.writeMembers(em, teamId, userIds);
      await em.execute('UPDATE teams SET updated_at = now() WHERE id = ?', [teamId]);
      return this.find(principal.accountId, teamId, em);
    });
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, teamSection(teamId), { memberIds: before.memberIds }, { memberIds: after.memberIds });
    await this.capacityChanged(principal.accountId, [teamId]);
    return after;
  }

  /** The tickets waiting in the team's queue, as its assigner holds them; none when it never ran. */
  async queue(accountId: string, teamId: string): Promise<WaitingTicket[]> {
    await this.find(accountId, teamId);
    try {
      return await this.temporal.connection.withDeadline(Date.now() + this.config.workflowUpdateTimeoutMs, () =>
        this.temporal.workflow.getHandle(teamAssignerWorkflowId(teamId)).query(teamQueueQuery),
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return [];
      this.logger.warn(`the queue of team ${teamId} could not be read: ${String(error)}`);
      throw ApiError.unavailable('no worker answered in time; try again later');
    }
  }

  async listRules(accountId: string): Promise<TeamRoutingRuleDto[]> {
    const rows = await this.orm.em.fork().execute<{ id: string; team_id: string; conditions: TeamRuleConditions }[]>(
      'SELECT id, team_id, conditions FROM team_routing_rules WHERE account_id = ? ORDER BY position, id',
      [accountId],
    );
    return rows.map((row) => ({ id: row.id, teamId: row.team_id, conditions: row.conditions }));
  }

  /** Replaces the account's whole ordered list. */
  async replaceRules(principal: AgentPrincipal, rules: TeamRoutingRuleBody[]): Promise<TeamRoutingRuleDto[]> {
    requireTeamManager(principal);
    const before = await this.listRules(principal.accountId);
    await this.orm.em.fork().transactional(async (em) => {
      const teams = await em.execute<{ id: string }[]>('SELECT id FROM teams WHERE account_id = ?', [principal.accountId]);
      const teamIds = new Set(teams.map((team) => team.id));
      for (const [index, rule] of rules.entries()) {
        if (!teamIds.has(rule.teamId)) throw ApiError.badRequest(`rules[${index}].teamId: no team ${rule.teamId} in this account`, `rules[${index}].teamId`);
        const problem = routingConditionsProblem(rule.conditions ?? {}, `rules[${index}].conditions`);
        if (problem) throw ApiError.badRequest(problem, problem.split(/[ :]/)[0]);
      }
      // One writer of the account's list at a time.
      await em.execute('SELECT pg_advisory_xact_lock(hashtext(?))', [`team_routing_rules:${principal.accountId}`]);
      await em.execute('DELETE FROM team_routing_rules WHERE account_id = ?', [principal.accountId]);
      for (const [position, rule] of rules.entries()) {
        await em.execute('INSERT INTO team_routing_rules (id, account_id, position, conditions, team_id, created_at) VALUES (?, ?, ?, ?::jsonb, ?, now())', [
          `trr-${randomUUID()}`,
          principal.accountId,
          position,
          JSON.stringify(compactConditions(rule.conditions ?? {})),
          rule.teamId,
        ]);
      }
    });
    const after = await this.listRules(principal.accountId);
    const definitions = (list: TeamRoutingRuleDto[]) => ({ rules: list.map(({ teamId, conditions }) => ({ teamId, conditions })) });
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, ROUTING_RULES_SECTION, definitions(before), definitions(after));
    return after;
  }

  async loadOf(accountId: string, userId: string): Promise<AgentLoadDto> {
    const [row] = await this.orm.em.fork().execute<{ id: string; availability: Availability; capacity: number }[]>(
      'SELECT id, availability, capacity FROM users WHERE id = ? AND account_id = ?',
      [userId, accountId],
    );
    if (!row) throw ApiError.notFound(`user ${userId} not found`);
    return { userId: row.id, availability: row.availability, capacity: row.capacity };
  }

  /** The caller's own availability. */
  async setAvailability(principal: AgentPrincipal, availability: Availability): Promise<AgentLoadDto> {
    const load = await this.updateUser(principal.accountId, principal.user.id, 'availability = ?', [availability]);
    await this.capacityChanged(principal.accountId, await this.teamsOf(principal.user.id));
    return load;
  }

  async setCapacity(principal: AgentPrincipal, userId: string, capacity: number): Promise<AgentLoadDto> {
    requireTeamManager(principal);
    const [before] = await this.orm.em.fork().execute<{ capacity: number }[]>('SELECT capacity FROM users WHERE id = ? AND account_id = ?', [userId, principal.accountId]);
    if (!before) throw ApiError.notFound(`user ${userId} not found`);
    const load = await this.updateUser(principal.accountId, userId, 'capacity = ?', [capacity]);
    if (before.capacity !== capacity) {
      await this.audit.recordSettingsChange(principal.accountId, principal.user.id, `userCapacity:${userId}`, { capacity: before.capacity }, { capacity });
    }
    await this.capacityChanged(principal.accountId, await this.teamsOf(userId));
    return load;
  }

  private async updateUser(accountId: string, userId: string, set: string, params: unknown[]): Promise<AgentLoadDto> {
    const [row] = await this.orm.em.fork().execute<{ id: string; availability: Availability; capacity: number }[]>(
      `UPDATE users SET ${set} WHERE id = ? AND account_id = ? RETURNING id, availability, capacity`,
      [...params, userId, accountId],
    );
    if (!row) throw ApiError.notFound(`user ${userId} not found`);
    return { userId: row.id, availability: row.availability, capacity: row.capacity };
  }

  private async teamsOf(userId: string): Promise<string[]> {
    const rows = await this.orm.em.fork().execute<{ team_id: string }[]>('SELECT team_id FROM team_members WHERE user_id = ?', [userId]);
    return rows.map((row) => row.team_id);
  }

  /**
   * Tells the teams' assigners to try their queues again. The change itself is stored already; when Temporal
   * cannot be reached the next change (or ticket closing) tries again, so this one is logged, not failed.
   */
  private async capacityChanged(accountId: string, teamIds: string[]): Promise<void> {
    for (const teamId of teamIds) {
      try {
        await signalTeamCapacityChanged(this.temporal, this.config, accountId, teamId);
      } catch (error) {
        this.logger.warn(`the assigner of team ${teamId} was not told that capacity changed: ${String(error)}`);
      }
    }
  }

  /** Members are active inbox users of the account, each listed once; `field[i]` names the culprit. */
  private async assertMembers(em: EntityManager, accountId: string, userIds: string[], field: string): Promise<void> {
    const seen = new Set<string>();
    for (const [index, userId] of userIds.entries()) {
      if (seen.has(userId)) throw ApiError.badRequest(`${field}[${index}]: user ${userId} is listed twice`, `${field}[${index}]`);
      seen.add(userId);
    }
    if (userIds.length === 0) return;
    const rows = await em.execute<{ id: string }[]>(
      `SELECT id FROM users WHERE account_id = ? AND deactivated_at IS NULL AND role IN ('owner', 'admin', 'manager', 'support') AND id IN (${userIds.map(() => '?').join(', ')})`,
      [accountId, ...userIds],
    );
    const found = new Set(rows.map((row) => row.id));
    const missing = userIds.findIndex((userId) => !found.has(userId));
    if (missing !== -1) throw ApiError.badRequest(`${field}[${missing}]: no active inbox user ${userIds[missing]} in this account`, `${field}[${missing}]`);
  }

  private async writeMembers(em: EntityManager, teamId: string, userIds: string[]): Promise<void> {
    for (const [position, userId] of userIds.entries()) {
      await em.execute('INSERT INTO team_members (team_id, user_id, position) VALUES (?, ?, ?)', [teamId, userId, position]);
    }
  }

  private async uniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new ApiError(409, 'name_taken', `a team named "${name}" already exists in this account`, 'name');
      throw error;
    }
  }
}

export function requireTeamManager(principal: AgentPrincipal): void {
  if (!TEAM_MANAGER_ROLES.includes(principal.user.role)) throw ApiError.forbidden(`role ${principal.user.role} may not change teams; ask an owner, admin or manager`);
}

/** Only the conditions given, without empty lists. */
function compactConditions(conditions: TeamRuleConditions): TeamRuleConditions {
  return Object.fromEntries(Object.entries(conditions).filter(([, value]) => Array.isArray(value) && value.length > 0)) as TeamRuleConditions;
}
