import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { validateReportPeriod } from '../../../libs/domain/reporting.js';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { ReportSummaryDto, ReportSummaryQuery } from './reports.dto.js';
import { ReportsService } from './reports.service.js';

/** Reporting over a period (SPEC §8); definitions in docs/metrics.md. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('summary')
  @ApiOperation({
    summary: 'Ticket volume, first response and resolution times, reopens; per agent and per tag',
    description:
      'Tickets created in [from, to) of the chosen channels, their first response and resolution as they stand now ' +
      '(the last close counts), and the reopened events of the period. Definitions: docs/metrics.md.',
  })
  @ApiOkResponse({ type: ReportSummaryDto })
  @ApiBadRequestResponse({ type: ApiErrorBody })
  summary(@CurrentPrincipal() principal: AgentPrincipal, @Query() query: ReportSummaryQuery): Promise<ReportSummaryDto> {
    const period = validateReportPeriod(query.from, query.to);
    if (!period.ok) throw ApiError.badRequest(period.message, period.field);
    return this.reports.summary(principal.accountId, { from: period.from, to: period.to, channels: query.channel ?? [] });
  }
}
