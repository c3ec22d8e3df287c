import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { CHANNELS, type Channel } from '../../../libs/domain/channel-policy.js';
import {
  DEFAULT_REPORT_DAYS,
  DEFAULT_REPORT_INTERVAL,
  DEFAULT_REPORT_TIME_ZONE,
  MAX_REPORT_DAYS,
  REOPEN_REASONS,
  REPORT_INTERVALS,
  reportTimeZone,
  SLA_REPORT_TARGETS,
  type ReportInterval,
  type SlaReportTarget,
} from '../../../libs/domain/reporting.js';
import { IsDateTime } from '../common/date-time.validator.js';

const commaSeparated = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim()).filter(Boolean) : value;

/** The period and channels every report takes. */
export class ReportPeriodQuery {
  @ApiPropertyOptional({ format: 'date-time', description: `Start of the period (inclusive); default: ${DEFAULT_REPORT_DAYS} days before to` })
  @IsOptional() @IsDateTime({ message: 'from must be an ISO 8601 date-time' }) from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: `End of the period (exclusive); after from, at most ${MAX_REPORT_DAYS} days later; default: now` })
  @IsOptional() @IsDateTime({ message: 'to must be an ISO 8601 date-time' }) to?: string;

  @ApiPropertyOptional({ type: String, description: `Comma-separated channels among ${CHANNELS.join(', ')} (default: all)`, example: 'email,sms' })
  @IsOptional() @Transform(commaSeparated) @IsIn(CHANNELS, { each: true, message: `channel must be among ${CHANNELS.join(', ')}` }) channel?: Channel[];
}

/** 'true' and 'false' as a query gives them; anything else stays as it is and fails IsBoolean. */
const queryBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export const MAX_CALENDAR_ID_LENGTH = 200;

export class ReportSummaryQuery extends ReportPeriodQuery {
  @ApiPropertyOptional({
    maxLength: MAX_CALENDAR_ID_LENGTH,
    description: 'A business-hours calendar of the account (GET /business-calendars): first response and resolution also get business-hours figures in it',
  })
  @IsOptional() @IsString({ message: 'calendarId must be one calendar id' }) @MaxLength(MAX_CALENDAR_ID_LENGTH) calendarId?: string;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'true: each reopen starts a new first-response measurement (from the reopen to the first agent reply after it), counted alongside the ticket\'s first one',
  })
  @IsOptional() @Transform(queryBoolean) @IsBoolean({ message: 'firstResponseAfterReopen must be true or false' }) firstResponseAfterReopen?: boolean;
}

const BUSINESS_MEDIAN = { nullable: true, type: Number, description: 'The median in business hours of calendarId (open time between the two instants); null without calendarId' } as const;
const BUSINESS_AVERAGE = { nullable: true, type: Number, description: 'The mean in business hours of calendarId; null without calendarId' } as const;

export class FirstResponseStatsDto {
  @ApiProperty({ description: 'Tickets with an agent reply (with firstResponseAfterReopen: measurements, a ticket\'s first one and one per reopen, with a reply)' }) answered!: number;
  @ApiProperty({ description: 'Tickets without an agent reply, not counted as zero (with firstResponseAfterReopen: measurements without one)' }) unanswered!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Median of first agent reply minus creation (or reopen)' }) medianSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Number }) averageSeconds!: number | null;
  @ApiProperty(BUSINESS_MEDIAN) businessMedianSeconds!: number | null;
  @ApiProperty(BUSINESS_AVERAGE) businessAverageSeconds!: number | null;
}

export class ResolutionStatsDto {
  @ApiProperty({ description: 'Tickets closed now; the last close counts' }) resolved!: number;
  @ApiProperty({ description: 'Tickets not closed now' }) unresolved!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Median of last close minus creation' }) medianSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Number }) averageSeconds!: number | null;
  @ApiProperty(BUSINESS_MEDIAN) businessMedianSeconds!: number | null;
  @ApiProperty(BUSINESS_AVERAGE) businessAverageSeconds!: number | null;
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
  @ApiProperty({ description: 'Tickets whose first reply this agent sent (with firstResponseAfterReopen, also reopens this agent answered first)' }) answered!: number;
  @ApiProperty({ nullable: true, type: Number }) medianSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Number }) averageSeconds!: number | null;
  @ApiProperty(BUSINESS_MEDIAN) businessMedianSeconds!: number | null;
  @ApiProperty(BUSINESS_AVERAGE) businessAverageSeconds!: number | null;
}

export class AgentResolutionDto {
  @ApiProperty({ description: 'Closed tickets whose last close this agent made' }) resolved!: number;
  @ApiProperty({ nullable: true, type: Number }) medianSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Number }) averageSeconds!: number | null;
  @ApiProperty(BUSINESS_MEDIAN) businessMedianSeconds!: number | null;
  @ApiProperty(BUSINESS_AVERAGE) businessAverageSeconds!: number | null;
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

export class SlaAchievementDto {
  @ApiProperty({ description: 'Targets met in time (outcome met, never breached)' }) hit!: number;
  @ApiProperty({ description: 'Targets breached, whatever their outcome' }) missed!: number;
  @ApiProperty({ description: 'Targets running or paused, not breached yet' }) pending!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'hit / (hit + missed), unrounded; null when none is decided' }) achievementRate!: number | null;
}

export class SlaTargetAchievementDto extends SlaAchievementDto {
  @ApiProperty({ enum: SLA_REPORT_TARGETS }) target!: SlaReportTarget;
}

export class SlaPolicyAchievementDto extends SlaAchievementDto {
  @ApiProperty({ nullable: true, type: String }) policyId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The policy\'s current name; the name its latest clock recorded once it is deleted' }) policyName!: string | null;
}

export class SlaAgentAchievementDto extends SlaAchievementDto {
  @ApiProperty({ nullable: true, type: String, description: 'The agent whose reply or close ended the target; for a target still running, the ticket\'s assignee now' }) userId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'From the users table' }) name!: string | null;
}

export class SlaTagAchievementDto extends SlaAchievementDto {
  @ApiProperty() tag!: string;
}

export class SlaChannelAchievementDto extends SlaAchievementDto {
  @ApiProperty({ enum: CHANNELS }) channel!: Channel;
}

export class SlaReportDto {
  @ApiProperty({ type: SlaAchievementDto }) overall!: SlaAchievementDto;
  @ApiProperty({ type: [SlaTargetAchievementDto], description: 'Every target kind, in the order first_response, next_response, resolution' }) byTarget!: SlaTargetAchievementDto[];
  @ApiProperty({ type: [SlaPolicyAchievementDto], description: 'By the policy that set the target, by name' }) byPolicy!: SlaPolicyAchievementDto[];
  @ApiProperty({ type: [SlaAgentAchievementDto] }) byAgent!: SlaAgentAchievementDto[];
  @ApiProperty({ type: [SlaTagAchievementDto], description: 'By the tickets\' current tags; a target counts once under each tag of its ticket' }) byTag!: SlaTagAchievementDto[];
  @ApiProperty({ type: [SlaChannelAchievementDto], description: 'Every channel reported on' }) byChannel!: SlaChannelAchievementDto[];
}

export class CsatDistributionDto {
  @ApiProperty() '1'!: number;
  @ApiProperty() '2'!: number;
  @ApiProperty() '3'!: number;
  @ApiProperty() '4'!: number;
  @ApiProperty() '5'!: number;
}

export class CsatStatsDto {
  @ApiProperty({ description: 'Surveys sent in the period' }) sent!: number;
  @ApiProperty({ description: 'Of those, surveys answered (whenever)' }) answered!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'answered / sent, unrounded; null when none was sent' }) responseRate!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Mean score (1–5) of the answered surveys, unrounded; null when none' }) averageScore!: number | null;
  @ApiProperty({ type: CsatDistributionDto, description: 'Answered surveys per score' }) distribution!: CsatDistributionDto;
}

export class CsatAgentDto extends CsatStatsDto {
  @ApiProperty({ nullable: true, type: String, description: 'The agent whose close sent the survey' }) userId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'From the users table' }) name!: string | null;
}

export class CsatChannelDto extends CsatStatsDto {
  @ApiProperty({ enum: CHANNELS }) channel!: Channel;
}

export class CsatReportDto extends CsatStatsDto {
  @ApiProperty({ type: [CsatAgentDto] }) byAgent!: CsatAgentDto[];
  @ApiProperty({ type: [CsatChannelDto], description: 'Every channel reported on' }) byChannel!: CsatChannelDto[];
}

export class ReportCalendarDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'Europe/Paris' }) timeZone!: string;
}

export class ReportSummaryDto {
  @ApiProperty({ type: ReportPeriodDto }) period!: ReportPeriodDto;
  @ApiProperty({ enum: CHANNELS, isArray: true, description: 'The channels reported on' }) channels!: Channel[];
  @ApiProperty({ type: ReportCalendarDto, nullable: true, description: 'The calendar of the business-hours figures (calendarId); null: those figures are null' }) businessCalendar!: ReportCalendarDto | null;
  @ApiProperty({ description: 'Whether reopens started first-response measurements (the query\'s firstResponseAfterReopen)' }) firstResponseAfterReopen!: boolean;
  @ApiProperty({ description: 'Tickets created in the period' }) ticketVolume!: number;
  @ApiProperty({ type: FirstResponseStatsDto }) firstResponse!: FirstResponseStatsDto;
  @ApiProperty({ type: ResolutionStatsDto }) resolution!: ResolutionStatsDto;
  @ApiProperty({ type: ReopenStatsDto, description: 'reopened events that occurred in the period' }) reopens!: ReopenStatsDto;
  @ApiProperty({ type: [AgentReportDto] }) byAgent!: AgentReportDto[];
  @ApiProperty({ type: [TagReportDto], description: 'By the tickets\' current tags; a ticket counts once under each of its tags' }) byTag!: TagReportDto[];
  @ApiProperty({ type: SlaReportDto, description: 'Achievement of the SLA targets whose clock started in the period' }) sla!: SlaReportDto;
  @ApiProperty({ type: CsatReportDto, description: 'The CSAT surveys sent in the period' }) csat!: CsatReportDto;
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

export class ReportTimeSeriesQuery extends ReportPeriodQuery {
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
