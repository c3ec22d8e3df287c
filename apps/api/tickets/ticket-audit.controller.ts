import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { IsOptional, IsUUID } from 'class-validator';
import type { Orm } from '../../../libs/persistence/orm.js';
import { ticketStateQuery } from '../../../libs/temporal/contracts/ticket.js';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import { ORM, TEMPORAL_CLIENT } from '../tokens.js';
import { assertTicketOfAccount } from './ticket-ids.js';
import { TicketStateDto } from './ticket.dto.js';

class TicketEventDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'reopened' }) type!: string;
  @ApiProperty({ nullable: true, type: String }) actorUserId!: string | null;
  @ApiProperty({ description: 'What the decision was based on, e.g. { reason: "inbound_message" }' }) detail!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
}

class TicketEventsDto {
  @ApiProperty({ type: [TicketEventDto], description: 'Oldest first' }) events!: TicketEventDto[];
}

class WorkflowRunDto {
  @ApiProperty() runId!: string;
  @ApiProperty({ example: 'CONTINUED_AS_NEW' }) status!: string;
  @ApiProperty({ format: 'date-time' }) startTime!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) closeTime!: string | null;
}

class TicketHistoryDto {
  @ApiProperty() workflowId!: string;
  @ApiProperty() runId!: string;
  @ApiProperty({ type: [WorkflowRunDto], description: 'Every run of the ticket (continue-as-new starts a new one), newest first' }) runs!: WorkflowRunDto[];
  @ApiProperty({ description: 'The run\'s Temporal event history (proto JSON); replay it with `npm run cli -- replay-ticket --file <this file>`' })
  history!: unknown;
}

class HistoryQuery {
  @ApiPropertyOptional({ description: 'A run of the ticket; the latest run when absent' }) @IsOptional() @IsUUID() runId?: string;
}

/** What an auditor needs: the decisions and their reasons, the live state, and the full replayable history. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('tickets/:ticketId')
export class TicketAuditController {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
  ) {}

  @Get('events')
  @ApiOperation({ summary: 'The ticket\'s audit trail: every transition and automated decision with its reason' })
  @ApiOkResponse({ type: TicketEventsDto })
  async events(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string): Promise<TicketEventsDto> {
    assertTicketOfAccount(ticketId, principal.accountId);
    const rows = await this.orm.em.fork().execute<{ id: string; type: string; actor_user_id: string | null; detail: Record<string, unknown>; occurred_at: Date }[]>(
      'SELECT id, type, actor_user_id, detail, occurred_at FROM ticket_events WHERE ticket_id = ? AND account_id = ? ORDER BY occurred_at, id',
      [ticketId, principal.accountId],
    );
    if (rows.length === 0) throw ApiError.notFound(`ticket ${ticketId} not found`);
    return {
      events: rows.map((row) => ({ id: row.id, type: row.type, actorUserId: row.actor_user_id, detail: row.detail, occurredAt: new Date(row.occurred_at).toISOString() })),
    };
  }

  @Get('live')
  @ApiOperation({ summary: 'The state the ticket\'s workflow holds right now (a query; needs a running worker)' })
  @ApiOkResponse({ type: TicketStateDto })
  async live(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string): Promise<TicketStateDto> {
    assertTicketOfAccount(ticketId, principal.accountId);
    try {
      return await this.temporal.workflow.getHandle(ticketId).query(ticketStateQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw ApiError.notFound(`ticket ${ticketId} not found`);
      throw error;
    }
  }

  @Get('history')
  @ApiOperation({ summary: 'Export one run of the ticket\'s workflow history, to replay it against the current code' })
  @ApiOkResponse({ type: TicketHistoryDto })
  async history(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string, @Query() query: HistoryQuery): Promise<TicketHistoryDto> {
    assertTicketOfAccount(ticketId, principal.accountId);
    const runs: WorkflowRunDto[] = [];
    for await (const run of this.temporal.workflow.list({ query: `WorkflowId = '${ticketId.replace(/'/g, '')}'` })) {
      runs.push({ runId: run.runId, status: run.status.name, startTime: run.startTime.toISOString(), closeTime: run.closeTime?.toISOString() ?? null });
    }
    runs.sort((a, b) => b.startTime.localeCompare(a.startTime));
    const runId = query.runId ?? runs[0]?.runId;
    if (!runId || !runs.some((run) => run.runId === runId)) throw ApiError.notFound(`ticket ${ticketId}${query.runId ? ` has no run ${query.runId}` : ' not found'}`);
    const history = await this.temporal.workflow.getHandle(ticketId, runId).fetchHistory();
    return { workflowId: ticketId, runId, runs, history: JSON.parse(historyToJSON(history)) as unknown };
  }
}
