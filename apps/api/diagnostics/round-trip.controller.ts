import { randomUUID } from 'node:crypto';
import { Controller, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../../../libs/config/config.js';
import { RoundTrip } from '../../../libs/persistence/entities/index.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import type { RoundTripInput, RoundTripResult } from '../../../libs/temporal/contracts/round-trip.js';
import { roundTripWorkflowId, WORKFLOW_TYPES } from '../../../libs/temporal/workflow-ids.js';
import { CurrentPrincipal, requireAccountManager, type AgentPrincipal } from '../auth/principal.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { APP_CONFIG, ORM, TEMPORAL_CLIENT } from '../tokens.js';

class RoundTripReport {
  @ApiProperty() roundTripId!: string;
  @ApiProperty() workflowId!: string;
  @ApiProperty({ description: 'When the activity wrote the row' }) recordedAt!: string;
  @ApiProperty({ description: 'The row as read back from PostgreSQL by the API' }) readBackFromDatabase!: boolean;
}

@ApiTags('diagnostics')
@ApiBearerAuth()
@Controller('diagnostics')
export class RoundTripController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORM) private readonly orm: Orm,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
  ) {}

  @Post('round-trip')
  @ApiOperation({
    summary: 'Run a workflow through a worker whose activity writes a row, then read the row back (owners and admins: it costs a workflow and a row per call)',
  })
  @ApiForbiddenResponse({ type: ApiErrorBody, description: 'Only owners and admins may run diagnostics' })
  @ApiCreatedResponse({ type: RoundTripReport })
  @ApiServiceUnavailableResponse({ type: ApiErrorBody, description: 'No worker answered in time' })
  async roundTrip(@CurrentPrincipal() principal: AgentPrincipal): Promise<RoundTripReport> {
    requireAccountManager(principal, 'run diagnostics; ask an owner or admin');
    const input: RoundTripInput = { roundTripId: randomUUID(), requestedAt: new Date().toISOString() };
    const handle = await this.temporal.workflow.start(WORKFLOW_TYPES.roundTrip, {
      workflowId: roundTripWorkflowId(input.roundTripId),
      taskQueue: this.config.temporal.taskQueue,
      args: [input],
      workflowExecutionTimeout: '1 minute',
    });
    const result = await withTimeout(handle.result() as Promise<RoundTripResult>, this.config.workflowUpdateTimeoutMs);
    if (!result) {
      await handle.terminate('no worker answered the round trip in time').catch(() => undefined);
      throw ApiError.unavailable('No worker answered within the configured WORKFLOW_UPDATE_TIMEOUT_MS');
    }
    const row = await this.orm.em.fork().findOne(RoundTrip, { id: result.roundTripId });
    return { ...result, readBackFromDatabase: row !== null };
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
