import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEmail, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsDateTime } from '../common/date-time.validator.js';
import { commaList, TicketSummaryDto } from '../tickets/ticket.dto.js';

export class ProfileDto {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ type: [String], description: 'Lower-cased' }) emails!: string[];
  @ApiProperty({ type: [String], description: 'E.164' }) phones!: string[];
  @ApiProperty({ type: [String], description: 'Ids the account\'s integrations know the person by' }) externalIds!: string[];
  @ApiProperty({ description: 'Known only from web chat, without an email: joined to the email\'s profile once the visitor gives one' }) anonymous!: boolean;
  @ApiProperty({ nullable: true, type: String, enum: ['marketing', 'transactional', 'none'], description: 'SMS consent of the first phone number (SPEC §9)' })
  smsConsent!: 'marketing' | 'transactional' | 'none' | null;
  @ApiProperty() ticketCount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ProfileListDto {
  @ApiProperty({ type: [ProfileDto] }) profiles!: ProfileDto[];
}

export class ProfileSearchQuery {
  @ApiProperty({ description: 'A phone number (any format), an email or external id (or its beginning), or part of a name' })
  @IsString() @IsNotEmpty() @MaxLength(200) q!: string;
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class ProfileTicketsQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() @MaxLength(500) cursor?: string;
  @ApiPropertyOptional({ default: 25, minimum: 1, maximum: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class ProfileTicketsDto {
  @ApiProperty({ description: 'How many tickets the profile has' }) total!: number;
  @ApiProperty({ type: [TicketSummaryDto], description: 'Newest first' }) tickets!: TicketSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class UpdateProfileBody {
  @ApiPropertyOptional({ description: 'An empty name clears it' }) @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ description: 'An email the person also uses (409 identifier_taken when another profile holds it)' })
  @IsOptional() @IsEmail() @MaxLength(320) email?: string;
  @ApiPropertyOptional({ description: 'A phone number the person also uses, in any format (stored as E.164)' }) @IsOptional() @IsString() @MaxLength(50) phone?: string;
}

export class EventProfileDto {
  @ApiPropertyOptional({ example: 'shop-customer-1001' }) externalId?: string;
  @ApiPropertyOptional({ example: 'ann@example.com' }) email?: string;
  @ApiPropertyOptional({ example: '+14155550100', description: 'Any format; stored as E.164' }) phone?: string;
}

/** One event as posted; checked on its own (libs/domain/profile-events.ts), so one bad event never refuses the others. */
export class EventInputDto {
  @ApiProperty({ description: 'Your id of the event: posting it again is the same event', example: 'order-1001' }) uniqueId!: string;
  @ApiProperty({ example: 'Placed Order' }) metric!: string;
  @ApiProperty({ type: EventProfileDto, description: 'At least one of externalId, email, phone; the profile is created when none matches' }) profile!: EventProfileDto;
  @ApiProperty({ format: 'date-time', description: 'When it happened (ISO 8601 with an offset); not in the future' }) time!: string;
  @ApiPropertyOptional({ description: 'A money value, e.g. the order total (used by the predictive analytics for "Placed Order")', example: 59.9 }) value?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Anything else, up to 16 KB of JSON' }) properties?: Record<string, unknown>;
}

export class PostEventsBody {
  @ApiProperty({ type: [EventInputDto], minItems: 1, maxItems: 1000 })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @IsObject({ each: true, message: 'each event must be an object' })
  events!: Record<string, unknown>[];
}

export class EventResultDto {
  @ApiProperty({ description: 'Its position in the request' }) index!: number;
  @ApiProperty({ enum: ['accepted', 'duplicate', 'refused'], description: 'duplicate: an event with this uniqueId is stored already, unchanged' }) status!: 'accepted' | 'duplicate' | 'refused';
  @ApiPropertyOptional() eventId?: string;
  @ApiPropertyOptional() profileId?: string;
  @ApiPropertyOptional({ description: 'refused: the field at fault, e.g. events[3].time' }) field?: string;
  @ApiPropertyOptional({ description: 'refused: why' }) reason?: string;
}

export class PostEventsResultDto {
  @ApiProperty() accepted!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty() refused!: number;
  @ApiProperty({ type: [EventResultDto], description: 'One per posted event, in order' }) results!: EventResultDto[];
}

export class ProfileEventDto {
  @ApiProperty() id!: string;
  @ApiProperty() uniqueId!: string;
  @ApiProperty() metric!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ nullable: true, type: Number }) value!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) properties!: Record<string, unknown>;
}

export class ProfileEventPageDto {
  @ApiProperty({ type: [ProfileEventDto], description: 'Newest first' }) events!: ProfileEventDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `before` for older events' }) nextCursor!: string | null;
}

export class ProfileEventsQuery {
  @ApiPropertyOptional({ description: 'Comma-separated metric names' }) @IsOptional() @Transform(commaList) @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(200, { each: true }) metric?: string[];
  @ApiPropertyOptional({ description: 'A saved event view: its metrics and period apply (with `metric` narrowing them further)' }) @IsOptional() @IsString() @MaxLength(100) view?: string;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() @MaxLength(500) before?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export class MetricCountDto {
  @ApiProperty() metric!: string;
  @ApiProperty() count!: number;
  @ApiProperty({ format: 'date-time' }) lastOccurredAt!: string;
}

export class ProfileMetricsDto {
  @ApiProperty({ type: [MetricCountDto], description: 'Most frequent first' }) metrics!: MetricCountDto[];
}

export class EventViewPeriodDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 3650, description: 'The last N days, moving with today (instead of from/to)' }) @IsOptional() @IsInt() @Min(1) @Max(3650) lastDays?: number;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsDateTime() from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsDateTime() to?: string;
}

export class CreateEventViewBody {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) name!: string;
  @ApiPropertyOptional({ default: false, description: 'Visible to everyone in the account' }) @IsOptional() @IsBoolean() shared?: boolean;
  @ApiPropertyOptional({ type: [String], description: 'The metrics shown; none means all' }) @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(200, { each: true }) metrics?: string[];
  @ApiPropertyOptional({ type: EventViewPeriodDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => EventViewPeriodDto) period?: EventViewPeriodDto;
}

export class RenameEventViewBody {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) name!: string;
}

export class EventViewDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() shared!: boolean;
  @ApiProperty() ownerUserId!: string;
  @ApiProperty({ type: [String] }) metrics!: string[];
  @ApiProperty({ nullable: true, type: EventViewPeriodDto }) period!: EventViewPeriodDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class EventViewListDto {
  @ApiProperty({ type: [EventViewDto] }) views!: EventViewDto[];
}

export class PredictionModelDto {
  @ApiProperty({ enum: ['qualifies', 'does_not_qualify', 'not_fitted'] }) status!: 'qualifies' | 'does_not_qualify' | 'not_fitted';
  @ApiProperty({ type: [String], description: 'Why the account does not qualify yet (at least 500 customers with orders, 180 days of history, orders in the last 30 days, some customers with 3+ orders)' })
  reasons!: string[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) fittedAt!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'bgNbd {r, alpha, a, b} (days) and gammaGamma {p, q, gamma} of the fit' })
  parameters!: Record<string, unknown> | null;
  @ApiProperty({ description: 'Customers with orders the fit saw' }) customers!: number;
  @ApiProperty() orders!: number;
}

export class ProfileFiguresDto {
  @ApiProperty({ description: 'Sum of the order values so far' }) historicClv!: number;
  @ApiProperty({ description: 'Expected spend in the next 365 days (undiscounted)' }) predictedClv!: number;
  @ApiProperty() totalClv!: number;
  @ApiProperty() historicOrderCount!: number;
  @ApiProperty({ description: 'Expected purchases in the next 365 days' }) predictedOrderCount!: number;
  @ApiProperty() averageOrderValue!: number;
  @ApiProperty({ description: 'Gamma-Gamma expected value of a future purchase' }) expectedOrderValue!: number;
  @ApiProperty({ nullable: true, type: Number }) averageDaysBetweenOrders!: number | null;
  @ApiProperty({ description: '1 − P(alive)' }) churnProbability!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Null when fewer than one purchase is expected in 365 days' }) expectedNextOrderAt!: string | null;
}

export class ProfilePredictionsDto {
  @ApiProperty({ type: PredictionModelDto }) model!: PredictionModelDto;
  @ApiProperty({ nullable: true, type: ProfileFiguresDto }) figures!: ProfileFiguresDto | null;
}

export class RefitResultDto {
  @ApiProperty({ enum: ['finished', 'running'] }) status!: 'finished' | 'running';
  @ApiPropertyOptional({ description: 'running: the refit workflow (it goes on; GET /predictive-analytics shows the result)' }) workflowId?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) report?: Record<string, unknown>;
}

export class OrderSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: '#1001' }) name!: string;
  @ApiProperty({ format: 'date-time' }) placedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) cancelledAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) financialStatus!: string | null;
  @ApiProperty({ nullable: true, type: String }) fulfillmentStatus!: string | null;
  @ApiProperty() totalAmount!: number;
  @ApiProperty() currency!: string;
}

class OverviewOrdersDto {
  @ApiProperty() count!: number;
  @ApiProperty({ type: [OrderSummaryDto], description: 'The three most recent' }) recent!: OrderSummaryDto[];
}

class CountDto {
  @ApiProperty() count!: number;
}

export class TicketOverviewDto {
  @ApiProperty({ type: TicketSummaryDto }) ticket!: TicketSummaryDto;
  @ApiProperty({ nullable: true, type: ProfileDto }) profile!: ProfileDto | null;
  @ApiProperty({ nullable: true, type: ProfilePredictionsDto }) predictions!: ProfilePredictionsDto | null;
  @ApiProperty({ type: OverviewOrdersDto }) orders!: OverviewOrdersDto;
  @ApiProperty({ type: CountDto, description: 'The profile\'s events' }) events!: CountDto;
  @ApiProperty({ type: CountDto, description: 'The profile\'s tickets' }) tickets!: CountDto;
}
