import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DEFAULT_REPORT_INTERVAL, DEFAULT_REPORT_TIME_ZONE, reportTimeZone, validateReportPeriod } from '../../../libs/domain/reporting.js';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { ReportSummaryDto, ReportSummaryQuery, ReportTimeSeriesDto, ReportTimeSeriesQuery } from './reports.dto.js';
import { ReportsService } from './reports.service.js';

/** Reporting over a period (SPEC §8); definitions in docs/metrics.md. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('summary')
  @ApiOperation({
    summary: 'Ticket volume, first response and resolution times, reopens, SLA achievement and CSAT; per agent and per tag',
    description:
      'Tickets created in [from, to) of the chosen channels, their first response and resolution as they stand now ' +
      '(the last close counts), also in business hours with calendarId, and the reopened events of the period; the SLA targets ' +
      'whose clock started in the period (hit, missed, pending) and the CSAT surveys sent in it. Definitions: docs/metrics.md.',
  })
  @ApiOkResponse({ type: ReportSummaryDto })
  @ApiBadRequestResponse({ type: ApiErrorBody })
  summary(@CurrentPrincipal() principal: AgentPrincipal, @Query() query: ReportSummaryQuery): Promise<ReportSummaryDto> {
    const period = validateReportPeriod(query.from, query.to);
    if (!period.ok) throw ApiError.badRequest(period.message, period.field);
    return this.reports.summary(principal.accountId, {
      from: period.from,
      to: period.to,
      channels: query.channel ?? [],
      calendarId: query.calendarId,
      firstResponseAfterReopen: query.firstResponseAfterReopen ?? false,
    });
  }

  @Get('timeseries')
  @ApiOperation({
    summary: 'Ticket volume, first response and resolution medians per day or week',
    description:
      'The tickets of the summary (created in [from, to) of the chosen channels, answered and resolved as they stand now), ' +
      'each in the bucket of its creation: every day or ISO week (from Monday) overlapping the period, starting at local ' +
      'midnight in timeZone (23 or 25 hours across a DST change), empty ones included. Definitions: docs/metrics.md.',
  })
  @ApiOkResponse({ type: ReportTimeSeriesDto })
  @ApiBadRequestResponse({ type: ApiErrorBody })
  timeSeries(@CurrentPrincipal() principal: AgentPrincipal, @Query() query: ReportTimeSeriesQuery): Promise<ReportTimeSeriesDto> {
    const period = validateReportPeriod(query.from, query.to);
    if (!period.ok) throw ApiError.badRequest(period.message, period.field);
    const timeZone = reportTimeZone(query.timeZone ?? DEFAULT_REPORT_TIME_ZONE);
    if (timeZone === null) throw ApiError.badRequest('timeZone must be an IANA time zone name such as Europe/Paris or UTC', 'timeZone');
    return this.reports.timeSeries(principal.accountId, {
      from: period.from,
      to: period.to,
      channels: query.channel ?? [],
      interval: query.interval ?? DEFAULT_REPORT_INTERVAL,
      timeZone,
    });
  }
}
