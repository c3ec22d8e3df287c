import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { Allow, ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { CHANNELS, type Channel } from '../../../libs/domain/channel-policy.js';
import {
  DEFAULT_WARN_AT_PERCENT,
  MAX_SLA_CONDITION_TAGS,
  MAX_SLA_ESCALATIONS,
  MAX_SLA_ID_LENGTH,
  MAX_SLA_NOTIFY_USERS,
  MAX_SLA_POLICY_NAME_LENGTH,
  MAX_SLA_TARGET_MINUTES,
  SLA_ESCALATION_TYPES,
  SLA_NOTIFY_CHANNELS,
  type SlaEscalationType,
  type SlaNotifyChannel,
} from '../../../libs/domain/sla-policies.js';
import { MAX_TAG_LENGTH, TICKET_PRIORITIES, type TicketPriority } from '../../../libs/domain/ticket.js';
import { IsNotBlank, Omittable } from '../settings/settings-validation.js';
import { commaList } from '../tickets/ticket.dto.js';

/**
 * One schema per shape: these classes check types and sizes and document every field; the policy's own
 * rules (at least one target, the fields each escalation needs, no repeats) are validateSlaPolicy's, whose
 * problems name fields the same way (`targets.first_response.minutes`, `onBreach[0].to`).
 */

export class SlaTargetDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_SLA_TARGET_MINUTES, example: 60, description: 'Whole minutes (at most a year), counted in the calendar when there is one' })
  @IsInt()
  @Min(1)
  @Max(MAX_SLA_TARGET_MINUTES)
  minutes!: number;

  @ApiProperty({ type: String, nullable: true, maxLength: MAX_SLA_ID_LENGTH, description: 'A business-hours calendar of the account (GET /business-calendars); null = around the clock' })
  @ValidateIf((_, value: unknown) => value !== null)
  @IsString()
  @MaxLength(MAX_SLA_ID_LENGTH)
  calendarId!: string | null;
}

const target = (what: string) => ({ type: SlaTargetDto, description: `${what}; leave out for no such target (a policy has at least one)` });

export class SlaTargetsDto {
  @ApiPropertyOptional(target('The first agent reply, from the ticket\'s creation'))
  @Omittable() @IsObject() @ValidateNested() @Type(() => SlaTargetDto)
  first_response?: SlaTargetDto;

  @ApiPropertyOptional(target('The next agent reply, from each customer message that follows an agent reply'))
  @Omittable() @IsObject() @ValidateNested() @Type(() => SlaTargetDto)
  next_response?: SlaTargetDto;

  @ApiPropertyOptional(target('The close, from the ticket\'s creation'))
  @Omittable() @IsObject() @ValidateNested() @Type(() => SlaTargetDto)
  resolution?: SlaTargetDto;
}

const TAGS_DESCRIPTION = `Tags of 1 to ${MAX_TAG_LENGTH} characters, compared regardless of case`;
const TAGS: ApiPropertyOptions = { type: [String], minItems: 1, maxItems: MAX_SLA_CONDITION_TAGS };

/** Bounds on the customer's profile (SPEC §6); each one given must be reached. Values are checked by validateSlaPolicy. */
export class SlaProfileConditionsDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'At least this many Shopify orders, not cancelled' })
  @Omittable() @IsInt({ message: 'conditions.profile.minOrders must be a whole number' })
  minOrders?: number;

  @ApiPropertyOptional({ type: 'number', minimum: 0, description: 'At least this much spent over those orders, in the shop\'s currency' })
  @Omittable() @IsNumber({}, { message: 'conditions.profile.minLifetimeValue must be a number' })
  minLifetimeValue?: number;

  @ApiPropertyOptional({ type: 'number', minimum: 0, maximum: 100, description: 'A churn risk (predictive analytics) of at least this many percent' })
  @Omittable() @IsNumber({}, { message: 'conditions.profile.minChurnRiskPercent must be a number' })
  minChurnRiskPercent?: number;
}

/** Every condition given must hold; `{}` matches every ticket. A list given must not be empty. */
export class SlaConditionsDto {
  @ApiPropertyOptional({ enum: CHANNELS, isArray: true, minItems: 1, description: 'The ticket\'s channel is one of these' })
  @Omittable() @IsArray() @ArrayMaxSize(CHANNELS.length) @IsIn(CHANNELS, { each: true, message: `channels must be among ${CHANNELS.join(', ')}` })
  channels?: Channel[];

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, isArray: true, minItems: 1, description: 'The ticket\'s priority is one of these' })
  @Omittable() @IsArray() @ArrayMaxSize(TICKET_PRIORITIES.length) @IsIn(TICKET_PRIORITIES, { each: true, message: `priorities must be among ${TICKET_PRIORITIES.join(', ')}` })
  priorities?: TicketPriority[];

  @ApiPropertyOptional({ ...TAGS, description: `The ticket has every one of these. ${TAGS_DESCRIPTION}` })
  @Omittable() @IsArray() @ArrayMaxSize(MAX_SLA_CONDITION_TAGS) @IsString({ each: true })
  tagsAll?: string[];

  @ApiPropertyOptional({ ...TAGS, description: `The ticket has at least one of these. ${TAGS_DESCRIPTION}` })
  @Omittable() @IsArray() @ArrayMaxSize(MAX_SLA_CONDITION_TAGS) @IsString({ each: true })
  tagsAny?: string[];

  @ApiPropertyOptional({ type: SlaProfileConditionsDto, description: 'The customer\'s profile; a ticket without one matches no profile condition' })
  @Omittable() @IsObject() @ValidateNested() @Type(() => SlaProfileConditionsDto)
  profile?: SlaProfileConditionsDto;
}

/**
 * One escalation: `type` says which fields it takes (others are refused). The fields are checked by
 * validateSlaPolicy, so that a problem names its place in the list: `onBreach[0].to`.
 */
export class SlaEscalationDto {
  @ApiProperty({ enum: SLA_ESCALATION_TYPES, description: 'notify {assignee, userIds, channels}; raise_priority {to}; reassign {userId}; add_tag {tag}' })
  @Allow()
  type!: SlaEscalationType;

  @ApiPropertyOptional({ type: Boolean, description: 'notify: alert the ticket\'s assignee, when it has one' })
  @Allow()
  assignee?: boolean;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_SLA_NOTIFY_USERS, description: 'notify: active users of the account to alert as well (may be empty when assignee is true)' })
  @Allow()
  userIds?: string[];

  @ApiPropertyOptional({ enum: SLA_NOTIFY_CHANNELS, isArray: true, minItems: 1, description: 'notify: in the console (in_app), by email, or both' })
  @Allow()
  channels?: SlaNotifyChannel[];

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, description: 'raise_priority: the priority to raise the ticket to (a ticket already as urgent or more keeps its own)' })
  @Allow()
  to?: TicketPriority;

  @ApiPropertyOptional({ type: String, maxLength: MAX_SLA_ID_LENGTH, description: 'reassign: an active inbox user of the account' })
  @Allow()
  userId?: string;

  @ApiPropertyOptional({ type: String, maxLength: MAX_TAG_LENGTH, description: 'add_tag: the tag to add (normalised like ticket tags)' })
  @Allow()
  tag?: string;
}

const ESCALATIONS_DESCRIPTION = 'At most one notify, one raise_priority and one reassign; each tag once. Default []';
const ESCALATIONS: ApiPropertyOptions = { type: [SlaEscalationDto], maxItems: MAX_SLA_ESCALATIONS };

/** The body of POST and PUT: the whole policy (PUT replaces every field; its place in the list stays). */
export class SlaPolicyBody {
  @ApiProperty({ maxLength: MAX_SLA_POLICY_NAME_LENGTH, example: 'VIP email', description: 'Unique in the account, regardless of case; trimmed' })
  @IsString()
  @IsNotBlank()
  @MaxLength(MAX_SLA_POLICY_NAME_LENGTH)
  name!: string;

  @ApiPropertyOptional({ type: Boolean, default: true, description: 'A disabled policy is skipped when choosing' })
  @Omittable() @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: SlaConditionsDto, description: 'Default {} (every ticket)' })
  @Omittable() @IsObject() @ValidateNested() @Type(() => SlaConditionsDto)
  conditions?: SlaConditionsDto;

  @ApiProperty({ type: SlaTargetsDto })
  @IsObject() @ValidateNested() @Type(() => SlaTargetsDto)
  targets!: SlaTargetsDto;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Snoozed time does not count towards the targets' })
  @Omittable() @IsBoolean()
  pauseWhileSnoozed?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 99, default: DEFAULT_WARN_AT_PERCENT, description: 'The warning comes when this share of a target has gone by' })
  @Omittable() @IsInt() @Min(1) @Max(99)
  warnAtPercent?: number;

  @ApiPropertyOptional({ ...ESCALATIONS, description: `On the warning. ${ESCALATIONS_DESCRIPTION}` })
  @Omittable() @IsArray() @ArrayMaxSize(MAX_SLA_ESCALATIONS) @ValidateNested({ each: true }) @IsObject({ each: true }) @Type(() => SlaEscalationDto)
  onWarning?: SlaEscalationDto[];

  @ApiPropertyOptional({ ...ESCALATIONS, description: `On the breach. ${ESCALATIONS_DESCRIPTION}` })
  @Omittable() @IsArray() @ArrayMaxSize(MAX_SLA_ESCALATIONS) @ValidateNested({ each: true }) @IsObject({ each: true }) @Type(() => SlaEscalationDto)
  onBreach?: SlaEscalationDto[];
}

export class SlaPolicyDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: 'integer', description: 'Place in the list, 0 first: the first enabled policy that matches applies' }) position!: number;
  @ApiProperty() name!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: SlaConditionsDto }) conditions!: SlaConditionsDto;
  @ApiProperty({ type: SlaTargetsDto }) targets!: SlaTargetsDto;
  @ApiProperty() pauseWhileSnoozed!: boolean;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 99 }) warnAtPercent!: number;
  @ApiProperty({ type: [SlaEscalationDto] }) onWarning!: SlaEscalationDto[];
  @ApiProperty({ type: [SlaEscalationDto] }) onBreach!: SlaEscalationDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SlaPolicyListDto {
  @ApiProperty({ type: [SlaPolicyDto], description: 'In order: the first enabled policy that matches applies' }) policies!: SlaPolicyDto[];
}

export class SlaPolicyOrderBody {
  @ApiProperty({ type: [String], description: 'Every policy id of the account, each once, in the new order' })
  @IsArray()
  @ArrayMinSize(0)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(MAX_SLA_ID_LENGTH, { each: true })
  ids!: string[];
}

export class SlaMatchQuery {
  @ApiProperty({ enum: CHANNELS, description: 'The ticket\'s channel' })
  @IsIn(CHANNELS, { message: `channel must be one of ${CHANNELS.join(', ')}` })
  channel!: Channel;

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, default: 'normal', description: 'The ticket\'s priority' })
  @IsOptional() @IsIn(TICKET_PRIORITIES, { message: `priority must be one of ${TICKET_PRIORITIES.join(', ')}` })
  priority?: TicketPriority;

  @ApiPropertyOptional({ type: String, description: 'The ticket\'s tags, comma-separated', example: 'vip,billing' })
  @IsOptional() @Transform(commaList) @IsArray() @ArrayMaxSize(30) @IsString({ each: true }) @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'The customer\'s profile, for policies that match on it' })
  @IsOptional() @IsString() @MaxLength(100)
  profileId?: string;
}

export class SlaProfileFactsDto {
  @ApiProperty({ type: 'integer' }) orders!: number;
  @ApiProperty() lifetimeValue!: number;
  @ApiProperty({ nullable: true, type: Number }) churnRiskPercent!: number | null;
}

export class SlaMatchTicketDto {
  @ApiProperty({ enum: CHANNELS }) channel!: Channel;
  @ApiProperty({ enum: TICKET_PRIORITIES }) priority!: TicketPriority;
  @ApiProperty({ type: [String], description: 'Normalised like ticket tags' }) tags!: string[];
  @ApiPropertyOptional({ nullable: true, type: SlaProfileFactsDto, description: 'The profile as matched (null without profileId)' }) profile?: SlaProfileFactsDto | null;
}

export class SlaPolicyVerdictDto {
  @ApiProperty() policyId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer' }) position!: number;
  @ApiProperty({ description: 'This policy applies' }) matched!: boolean;
  @ApiProperty({ type: [String], description: 'Why it does not: "disabled", or each condition that fails; [] for the one that applies' }) reasons!: string[];
}

export class SlaMatchDto {
  @ApiProperty({ type: SlaMatchTicketDto, description: 'The ticket facts as matched' }) ticket!: SlaMatchTicketDto;
  @ApiProperty({ type: SlaPolicyDto, nullable: true, description: 'The policy that applies; null when none does' }) policy!: SlaPolicyDto | null;
  @ApiProperty({ type: [SlaPolicyVerdictDto], description: 'Each policy in order up to the one that applies (all of them when none does)' }) verdicts!: SlaPolicyVerdictDto[];
}
