import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Client } from '@temporalio/client';
import type { Response } from 'express';
import { isDatabaseReachable, type Orm } from '../../../libs/persistence/orm.js';
import { Public } from '../auth/principal.js';
import { RETRY_AFTER_SECONDS } from '../common/api-error.js';
import { ORM, TEMPORAL_CLIENT } from '../tokens.js';

type Connectivity = 'up' | 'down';

class HealthReport {
  @ApiProperty({ enum: ['ok', 'unavailable'] }) status!: 'ok' | 'unavailable';
  @ApiProperty({ enum: ['up', 'down'] }) temporal!: Connectivity;
  @ApiProperty({ enum: ['up', 'down'] }) postgres!: Connectivity;
}

/**
 * Each probe's deadline: /health answers within about this long whatever is down (both probes run at
 * once). Temporal's probe is a gRPC call under `connection.withDeadline`, so its retries stop then too.
 */
export const HEALTH_PROBE_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
  ) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: HealthReport, description: 'Temporal and PostgreSQL are reachable' })
  @ApiServiceUnavailableResponse({ type: HealthReport, description: 'The part marked "down" is unreachable' })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const [temporal, postgres] = await Promise.all([this.temporalConnectivity(), this.postgresConnectivity()]);
    const healthy = temporal === 'up' && postgres === 'up';
    response.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    if (!healthy) response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    return { status: healthy ? 'ok' : 'unavailable', temporal, postgres };
  }

  private async temporalConnectivity(): Promise<Connectivity> {
    try {
      await this.temporal.connection.withDeadline(Date.now() + HEALTH_PROBE_TIMEOUT_MS, () =>
        this.temporal.workflowService.getSystemInfo({}),
      );
      return 'up';
    } catch {
      return 'down';
    }
  }

  private async postgresConnectivity(): Promise<Connectivity> {
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), HEALTH_PROBE_TIMEOUT_MS).unref());
    return (await Promise.race([isDatabaseReachable(this.orm), timeout])) ? 'up' : 'down';
  }
}
