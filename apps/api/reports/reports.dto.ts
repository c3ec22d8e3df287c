import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, ValidateBy } from 'class-validator';
import { CHANNELS, type Channel } from '../../../libs/domain/channel-policy.js';
import {
  DEFAULT_REPORT_DAYS,
  DEFAULT_REPORT_INTERVAL,
  DEFAULT_REPORT_TIME_ZONE,
  MAX_REPORT_DAYS,
  REOPEN_REASONS,
  REPORT_INTERVALS,
  reportTimeZone,
  type ReportInterval,
} from '../../../libs/domain/reporting.js';
import { IsDateTime } from '../common/date-time.validator.js';

const commaSeparated = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim()).filter(Boolean) : value;

export class ReportSummaryQuery {
  @ApiPropertyOptional({ format: 'date-time', description: `Start of the period (inclusive); default: ${DEFAULT_REPORT_DAYS} days before to` })
  @IsOptional() @IsDateTime({ message: 'from must be an ISO 8601 date-time' }) from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: `End of the period (exclusive); after from, at most ${MAX_REPORT_DAYS} days later; default: now` })
  @IsOptional() @IsDateTime({ message: 'to must be an ISO 8601 date-time' }) to?: string;

  @ApiPropertyOptional({ type: String, description: `Comma-separated channels among ${CHANNELS.join(', ')} (default: all)`, example: 'email,sms' })
  @IsOptional() @Transform(commaSeparated) @IsIn(CHANNELS, { each: true, message: `channel must be among ${CHANNELS.join(', ')}` }) channel?: Channel[];
}

export class FirstResponseStatsDto {
  @ApiProperty({ description: 'Tickets with an agent reply' }) answered!: number;
  @ApiProperty({ description: 'Tickets without an agent reply (not counted as zero)' }) unanswered!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Median of first agent reply minus creation' }) medianSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Number }) averageSeconds!: number | null;
}

export class ResolutionStatsDto {
  @ApiProperty({ description: 'Tickets closed now; the last close counts' }) resolved!: number;
  @ApiProperty({ description: 'Tickets not closed now' }) unresolved!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Median of last close minus creation' }) medianSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Number }) averageSeconds!: number | null;
}

export class ReopenStatsDto {
  @ApiProperty() total!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: `reopened events by detail.reason (${REOPEN_REASONS.join(', ')} always present)`,
    example: { inbound_message: 3, agent: 1 },
  })
  byReason!: Record<string, number>;
}

export class AgentFirstResponseDto {
  @ApiProperty({ description: 'Tickets whose first reply this agent sent' }) answered!: number;
  @ApiProperty({ nullable: true, type: Number }) medianSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Number }) averageSeconds!: number | null;
}

export class AgentResolutionDto {
  @ApiProperty({ description: 'Closed tickets whose last close this agent made' }) resolved!: number;
  @ApiProperty({ nullable: true, type: Number }) medianSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Number }) averageSeconds!: number | null;
}

export class AgentReportDto {
  @ApiProperty({ nullable: true, type: String, description: 'actor_user_id of the event (null for a system action)' }) userId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'From the users table' }) name!: string | null;
  @ApiProperty({ type: AgentFirstResponseDto, description: 'By the author of the first reply' }) firstResponse!: AgentFirstResponseDto;
  @ApiProperty({ type: AgentResolutionDto, description: 'By the author of the last close' }) resolution!: AgentResolutionDto;
}

export class TagReportDto {
  @ApiProperty() tag!: string;
  @ApiProperty({ description: 'Tickets created in the period that carry the tag now' }) ticketVolume!: number;
  @ApiProperty({ type: FirstResponseStatsDto }) firstResponse!: FirstResponseStatsDto;
  @ApiProperty({ type: ResolutionStatsDto }) resolution!: ResolutionStatsDto;
  @ApiProperty({ type: ReopenStatsDto }) reopens!: ReopenStatsDto;
}

export class ReportPeriodDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
}

export class ReportSummaryDto {
  @ApiProperty({ type: ReportPeriodDto }) period!: ReportPeriodDto;
  @ApiProperty({ enum: CHANNELS, isArray: true, description: 'The channels reported on' }) channels!: Channel[];
  @ApiProperty({ description: 'Tickets created in the period' }) ticketVolume!: number;
  @ApiProperty({ type: FirstResponseStatsDto }) firstResponse!: FirstResponseStatsDto;
  @ApiProperty({ type: ResolutionStatsDto }) resolution!: ResolutionStatsDto;
  @ApiProperty({ type: ReopenStatsDto, description: 'reopened events that occurred in the period' }) reopens!: ReopenStatsDto;
  @ApiProperty({ type: [AgentReportDto] }) byAgent!: AgentReportDto[];
  @ApiProperty({ type: [TagReportDto], description: 'By the tickets\' current tags; a ticket counts once under each of its tags' }) byTag!: TagReportDto[];
}

/** An IANA time zone name the reports can cut buckets in (see reportTimeZone). */
const IsReportTimeZone = () =>
  ValidateBy({
    name: 'isReportTimeZone',
    validator: {
      validate: (value: unknown) => reportTimeZone(value) !== null,
      defaultMessage: () => 'timeZone must be an IANA time zone name such as Europe/Paris or UTC',
    },
  });

export class ReportTimeSeriesQuery extends ReportSummaryQuery {
  @ApiPropertyOptional({ enum: REPORT_INTERVALS, default: DEFAULT_REPORT_INTERVAL, description: 'Bucket size: a calendar day, or an ISO week starting on Monday, in timeZone' })
  @IsOptional() @IsIn(REPORT_INTERVALS, { message: `interval must be one of ${REPORT_INTERVALS.join(', ')}` }) interval?: ReportInterval;

  @ApiPropertyOptional({ default: DEFAULT_REPORT_TIME_ZONE, example: 'Europe/Paris', maxLength: 100, description: 'IANA time zone whose local midnights start the buckets' })
  @IsOptional() @IsString() @IsReportTimeZone() timeZone?: string;
}

export class ReportTimeSeriesBucketDto {
  @ApiProperty({ format: 'date-time', description: 'Local midnight (a Monday for weeks) in timeZone, as a UTC instant' }) start!: string;
  @ApiProperty({ format: 'date-time', description: 'The next bucket\'s start (exclusive): 23 or 25 hours after start on a day with a DST change' }) end!: string;
  @ApiProperty({ description: 'Tickets of the period created in this bucket' }) ticketsCreated!: number;
  @ApiProperty({ description: 'Of those, tickets with an agent reply' }) firstResponseCount!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Median of first agent reply minus creation over those tickets; null when none' }) firstResponseMedianSeconds!: number | null;
  @ApiProperty({ description: 'Of those, tickets closed now' }) resolutionCount!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Median of last close minus creation over those tickets; null when none' }) resolutionMedianSeconds!: number | null;
}

export class ReportTimeSeriesDto {
  @ApiProperty({ type: ReportPeriodDto }) period!: ReportPeriodDto;
  @ApiProperty({ enum: CHANNELS, isArray: true, description: 'The channels reported on' }) channels!: Channel[];
  @ApiProperty({ enum: REPORT_INTERVALS }) interval!: ReportInterval;
  @ApiProperty({ example: 'Europe/Paris', description: 'The time zone of the buckets, as given in the case of the time-zone database (europe/paris: Europe/Paris)' }) timeZone!: string;
  @ApiProperty({
    type: [ReportTimeSeriesBucketDto],
    description: 'Every bucket that overlaps [from, to), in order, empty ones included; the first and last may extend past the period, but count only its tickets',
  })
  buckets!: ReportTimeSeriesBucketDto[];
}
