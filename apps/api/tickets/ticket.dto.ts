import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CHANNELS } from '../../../libs/domain/channel-policy.js';
import { SLA_TARGET_KINDS, type SlaTargetKind } from '../../../libs/domain/sla-policies.js';
import { MAX_REPLY_LENGTH, TICKET_PRIORITIES, TICKET_STATUSES, type TicketPriority } from '../../../libs/domain/ticket.js';
import { ApiErrorBody } from '../common/api-error.js';
import { IsDateTime } from '../common/date-time.validator.js';
import { SLA_FILTERS, TICKET_SORTS, type SlaFilter } from './ticket-queries.service.js';

/** A query parameter written `a,b,c` as a list (empty parts dropped). */
export const commaList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim()).filter(Boolean) : value;

export class TicketListQuery {
  @ApiPropertyOptional({ enum: ['all', 'mine', 'unassigned'], default: 'all', description: 'mine = open and assigned to me; unassigned = open and assigned to nobody' })
  @IsOptional() @IsIn(['all', 'mine', 'unassigned']) view?: 'all' | 'mine' | 'unassigned';

  @ApiPropertyOptional({ description: 'Comma-separated statuses', example: 'open,snoozed' })
  @IsOptional() @Transform(commaList) @IsIn(TICKET_STATUSES, { each: true, message: `status must be among ${TICKET_STATUSES.join(', ')}` }) status?: string[];

  @ApiPropertyOptional({ description: 'Comma-separated channels', example: 'email,sms' })
  @IsOptional() @Transform(commaList) @IsIn(CHANNELS, { each: true, message: `channel must be among ${CHANNELS.join(', ')}` }) channel?: string[];

  @ApiPropertyOptional({ description: 'Comma-separated priorities', example: 'high,urgent' })
  @IsOptional() @Transform(commaList) @IsIn(TICKET_PRIORITIES, { each: true, message: `priority must be among ${TICKET_PRIORITIES.join(', ')}` }) priority?: string[];

  @ApiPropertyOptional({ description: 'Comma-separated: at_risk (a target\'s warning has come, not its deadline), breached (a target was missed)', example: 'at_risk,breached' })
  @IsOptional() @Transform(commaList) @IsIn(SLA_FILTERS, { each: true, message: `sla must be among ${SLA_FILTERS.join(', ')}` }) sla?: SlaFilter[];

  @ApiPropertyOptional() @IsOptional() @IsString() assigneeId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() tag?: string;
  @ApiPropertyOptional({ description: 'The customer\'s profile' }) @IsOptional() @IsString() @MaxLength(100) profileId?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsDateTime() createdFrom?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsDateTime() createdTo?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsDateTime() updatedFrom?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsDateTime() updatedTo?: string;
  @ApiPropertyOptional({ description: 'Text in the subject or in any message' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional({
    enum: TICKET_SORTS,
    default: 'updatedAt',
    description: 'priority: most urgent first (asc: least), then the last updated. slaDue: the nearest SLA deadline first (tickets without one last)',
  })
  @IsOptional() @IsIn(TICKET_SORTS) sort?: (typeof TICKET_SORTS)[number];
  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'Default desc; for sort=slaDue, asc' }) @IsOptional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() cursor?: string;
  @ApiPropertyOptional({ default: 25, minimum: 1, maximum: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class MessagePageQuery {
  @ApiPropertyOptional({ description: 'olderCursor of the previous page' }) @IsOptional() @IsString() before?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export class AssignBody {
  @ApiProperty({ description: 'A user id of this account, or "me"' }) @IsString() @IsNotEmpty() assigneeId!: string;
}

export class LinkProfileBody {
  @ApiProperty({ description: 'A profile of this account' }) @IsString() @IsNotEmpty() @MaxLength(100) profileId!: string;
}

export class TagsBody {
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(30) @IsString({ each: true }) add?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(30) @IsString({ each: true }) remove?: string[];
}

export class PriorityBody {
  @ApiProperty({ enum: TICKET_PRIORITIES }) @IsIn(TICKET_PRIORITIES, { message: `priority must be one of ${TICKET_PRIORITIES.join(', ')}` }) priority!: TicketPriority;
}

export class SnoozeBody {
  @ApiProperty({ format: 'date-time', description: 'When the ticket opens again; must be in the future' }) @IsDateTime() until!: string;
}

export class ReplyBody {
  @ApiProperty({ maxLength: MAX_REPLY_LENGTH }) @IsString() @IsNotEmpty() @MaxLength(MAX_REPLY_LENGTH) body!: string;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'The ticket version the agent saw (`version` of GET /tickets/{id}): a customer message or another agent\'s reply since then refuses the reply with 409 conversation_changed, listing them',
  })
  @IsOptional() @IsInt() @Min(0) seenVersion?: number;
  @ApiPropertyOptional({ description: 'Send even though the conversation changed since seenVersion (a deliberate reply)' }) @IsOptional() @IsBoolean() force?: boolean;
}

/** A turn of the conversation that came after the version the agent saw. */
export class ConversationChangeDto {
  @ApiProperty({ description: 'The ticket version that recorded it' }) version!: number;
  @ApiProperty({ enum: ['customer_message', 'agent_reply'] }) kind!: 'customer_message' | 'agent_reply';
  @ApiProperty() messageId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The agent who replied' }) authorUserId!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

/** 409 conversation_changed: the reply was not sent; `changes` says what came in while the agent wrote. */
export class ConversationChangedDto extends ApiErrorBody {
  @ApiProperty({ type: [ConversationChangeDto] }) changes!: ConversationChangeDto[];
}

export const BULK_ACTIONS = ['assign', 'unassign', 'tag', 'snooze', 'cancel_snooze', 'close', 'reopen', 'mark_read', 'set_priority'] as const;

export class BulkActionSpec {
  @ApiProperty({ enum: BULK_ACTIONS }) @IsIn(BULK_ACTIONS) type!: (typeof BULK_ACTIONS)[number];
  @ApiPropertyOptional({ description: 'for assign' }) @IsOptional() @IsString() @IsNotEmpty() assigneeId?: string;
  @ApiPropertyOptional({ type: [String], description: 'for tag' }) @IsOptional() @IsArray() @IsString({ each: true }) add?: string[];
  @ApiPropertyOptional({ type: [String], description: 'for tag' }) @IsOptional() @IsArray() @IsString({ each: true }) remove?: string[];
  @ApiPropertyOptional({ format: 'date-time', description: 'for snooze' }) @IsOptional() @IsDateTime() until?: string;
  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, description: 'for set_priority' }) @IsOptional() @IsIn(TICKET_PRIORITIES) priority?: TicketPriority;
}

export class BulkActionBody {
  @ApiProperty({ type: [String], maxItems: 100 }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @IsString({ each: true }) ticketIds!: string[];
  @ApiProperty({ type: BulkActionSpec }) @ValidateNested() @Type(() => BulkActionSpec) action!: BulkActionSpec;
}

export class CustomerDto {
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) visitorId!: string | null;
}

export class LastMessageDto {
  @ApiProperty({ enum: ['inbound', 'outbound'] }) direction!: 'inbound' | 'outbound';
  @ApiProperty({ description: 'The first 160 characters of the body' }) preview!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TicketSlaSummaryDto {
  @ApiProperty({ description: 'The SLA policy in force (GET /sla-policies/{policyId})' }) policyId!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'The nearest deadline of a target not yet missed' }) dueAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the earliest warning of such a target came or comes' }) atRiskFrom!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When a running target was first missed' }) breachedAt!: string | null;
}

export const SLA_TARGET_OUTCOMES = ['running', 'paused', 'met', 'cancelled'] as const;

export class TicketSlaTargetDto {
  @ApiProperty({ description: 'The target and its ordinal in the ticket, e.g. next_response:4' }) clockId!: string;
  @ApiProperty({ enum: SLA_TARGET_KINDS }) target!: SlaTargetKind;
  @ApiProperty({ nullable: true, type: String }) policyId!: string | null;
  @ApiProperty({ nullable: true, type: String }) policyName!: string | null;
  @ApiProperty({ description: 'The target, in minutes of its calendar (or of the clock)' }) minutes!: number;
  @ApiProperty({ nullable: true, type: String, description: 'null: around the clock' }) calendarId!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'null while paused' }) dueAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) warnedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Set when the target was missed' }) breachedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) endedAt!: string | null;
  @ApiProperty({ enum: SLA_TARGET_OUTCOMES, description: 'met (by a reply or the close; late when breachedAt is set), cancelled (no longer owed)' }) outcome!: (typeof SLA_TARGET_OUTCOMES)[number];
  @ApiProperty({ nullable: true, type: String, description: 'The agent whose reply or close ended it' }) endedByUserId!: string | null;
}

export class TicketSlaDto {
  @ApiProperty({ nullable: true, type: String, description: 'The policy in force; null when none applies' }) policyId!: string | null;
  @ApiProperty({ type: [TicketSlaTargetDto] }) targets!: TicketSlaTargetDto[];
}

export class TicketSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: CHANNELS }) channel!: string;
  @ApiProperty({ enum: TICKET_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: String }) assigneeId!: string | null;
  @ApiProperty({ description: 'The assignee has been deactivated (the ticket stays assigned until someone reassigns it)' }) assigneeDeactivated!: boolean;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ enum: TICKET_PRIORITIES }) priority!: TicketPriority;
  @ApiProperty({ nullable: true, type: String }) subject!: string | null;
  @ApiProperty({ type: CustomerDto }) customer!: CustomerDto;
  @ApiProperty({ nullable: true, type: String, description: 'The customer\'s profile (GET /profiles/{profileId})' }) profileId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) snoozedUntil!: string | null;
  @ApiProperty({ description: 'Inbound messages I have not read' }) unread!: boolean;
  @ApiProperty() messageCount!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastInboundAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) closedAt!: string | null;
  @ApiProperty({ nullable: true, type: LastMessageDto, description: 'The newest message, for a list row' }) lastMessage!: LastMessageDto | null;
  @ApiProperty({ nullable: true, type: TicketSlaSummaryDto, description: 'Service levels; null while no SLA policy applies' }) sla!: TicketSlaSummaryDto | null;
  @ApiProperty({ description: 'Grows with every change of the ticket: send it as a reply\'s seenVersion' }) version!: number;
}

export class TicketPageDto {
  @ApiProperty({ type: [TicketSummaryDto] }) tickets!: TicketSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class MessageAttributionDto {
  @ApiProperty({ enum: ['campaign', 'flow'] }) kind!: 'campaign' | 'flow';
  @ApiProperty({ description: 'The campaign or flow id' }) sourceId!: string;
  @ApiProperty({ format: 'date-time' }) sentAt!: string;
}

export class MessageDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['inbound', 'outbound'] }) direction!: string;
  @ApiProperty({ nullable: true, type: String }) authorUserId!: string | null;
  @ApiProperty() body!: string;
  @ApiProperty({ nullable: true, type: String }) subject!: string | null;
  @ApiProperty({ nullable: true, type: String, enum: ['pending', 'queued', 'sent', 'delivered', 'failed', 'undelivered'] }) deliveryStatus!: string | null;
  @ApiProperty({ nullable: true, type: String }) deliveryError!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'An inbound message the ticket could not store as it came (quarantined): why; its body is stored sanitised',
  })
  rejectedReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: MessageAttributionDto, description: 'SMS: the campaign or flow send this inbound text was attributed to' })
  attribution!: MessageAttributionDto | null;
}

export class MessagePageDto {
  @ApiProperty({ type: [MessageDto], description: 'Oldest first' }) messages!: MessageDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `before` for older messages' }) olderCursor!: string | null;
}

export class TicketDetailDto {
  @ApiProperty({ type: TicketSummaryDto }) ticket!: TicketSummaryDto;
  @ApiProperty({ type: [MessageDto], description: 'The last 50 messages, oldest first' }) messages!: MessageDto[];
  @ApiProperty({ nullable: true, type: String }) olderCursor!: string | null;
}

export class SlaGoalDto {
  @ApiProperty() minutes!: number;
  @ApiProperty({ nullable: true, type: String, description: 'null: around the clock' }) calendarId!: string | null;
}

export class SlaPauseDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
}

export class SlaClockDto {
  @ApiProperty({ description: 'e.g. first_response:1' }) id!: string;
  @ApiProperty({ enum: SLA_TARGET_KINDS }) target!: SlaTargetKind;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: [SlaPauseDto], description: 'Snoozed time left out (policies that pause while snoozed)' }) pauses!: SlaPauseDto[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) pausedSince!: string | null;
  @ApiProperty({ nullable: true, type: SlaGoalDto, description: 'null while no policy sets this target' }) goal!: SlaGoalDto | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) warnAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) dueAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) warnedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) breachedAt!: string | null;
}

export class SlaPolicyInForceDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() warnAtPercent!: number;
  @ApiProperty() pauseWhileSnoozed!: boolean;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'As in the policy (GET /sla-policies/{id})' }) onWarning!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'As in the policy' }) onBreach!: object[];
}

export class SlaStateDto {
  @ApiProperty({ nullable: true, type: SlaPolicyInForceDto }) policy!: SlaPolicyInForceDto | null;
  @ApiProperty({ type: [SlaClockDto], description: 'The targets counting now' }) clocks!: SlaClockDto[];
  @ApiProperty() startedCount!: number;
}

/** The ticket's live state, as its workflow holds it after the action. */
export class TicketStateDto {
  @ApiProperty() ticketId!: string;
  @ApiProperty({ enum: CHANNELS }) channel!: string;
  @ApiProperty({ enum: TICKET_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: String }) assigneeId!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) snoozedUntil!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Oldest inbound message no agent has read' }) unreadSince!: string | null;
  @ApiProperty() messageCount!: number;
  @ApiProperty({ nullable: true, type: String }) lastMessageId!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastInboundMessageId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The customer\'s profile as the ticket names it (absent on tickets from before profiles)' }) profileId?: string | null;
  @ApiPropertyOptional({ description: 'An agent chose the profile: messages no longer change it' }) profileChosenByAgent?: boolean;
  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, description: 'Absent on tickets carried from before priorities: normal' }) priority?: TicketPriority;
  @ApiPropertyOptional({ type: SlaStateDto, description: 'The SLA clock (absent on tickets from before it)' }) sla?: SlaStateDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) closedAt!: string | null;
  @ApiProperty() version!: number;
}

export class ReplyResultDto {
  @ApiProperty() messageId!: string;
  @ApiProperty({ type: TicketStateDto }) ticket!: TicketStateDto;
}

/** 202: the ticket accepted the action, so it will be applied, but it did not finish within the API's wait. */
export class ActionPendingDto {
  @ApiProperty({ description: 'Also in the Action-Id header' }) actionId!: string;
  @ApiProperty() ticketId!: string;
  @ApiProperty({ enum: ['pending'] }) status!: 'pending';
  @ApiProperty({ example: '/tickets/{ticketId}/actions/{actionId}', description: 'Where to read the outcome (also the Location header), relative to the API root' })
  outcomeUrl!: string;
}

export const ACTION_OUTCOME_STATUSES = ['pending', 'applied', 'refused'] as const;

/** What became of an action, as the ticket's workflow knows it. */
export class ActionOutcomeDto {
  @ApiProperty() actionId!: string;
  @ApiProperty({ enum: ACTION_OUTCOME_STATUSES, description: 'pending: accepted and queued behind the ticket\'s earlier work; it will be applied' })
  status!: (typeof ACTION_OUTCOME_STATUSES)[number];
  @ApiPropertyOptional({ type: TicketStateDto, description: 'applied: the ticket\'s state right after the action' }) ticket?: TicketStateDto;
  @ApiPropertyOptional({ description: 'refused: why' }) reason?: string;
}

export class BulkResultItemDto {
  @ApiProperty() ticketId!: string;
  @ApiProperty({ description: 'True when the action was applied or is pending' }) ok!: boolean;
  @ApiPropertyOptional({ description: 'True when the ticket accepted the action but it was not finished in time: it will be applied' }) pending?: boolean;
  @ApiPropertyOptional({ description: 'The action id (for a pending action: GET /tickets/{ticketId}/actions/{actionId})' }) actionId?: string;
  @ApiPropertyOptional({ type: TicketStateDto }) ticket?: TicketStateDto;
  @ApiPropertyOptional({ description: 'The error shape, when ok is false' }) error?: { statusCode: number; error: string; message: string };
}

export class BulkResultDto {
  @ApiProperty({ type: [BulkResultItemDto] }) results!: BulkResultItemDto[];
}

export class UnreadCountDto {
  @ApiProperty({ description: 'False when the account turned the unread notification off' }) enabled!: boolean;
  @ApiProperty({ nullable: true, type: Number }) count!: number | null;
}
