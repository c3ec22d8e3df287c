import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CHANNELS, type Channel } from '../../../libs/domain/channel-policy.js';
import { ASSIGNMENT_MODES, AVAILABILITIES, MAX_CAPACITY, MAX_ROUTING_RULES, type AssignmentMode, type Availability } from '../../../libs/domain/team-assignment.js';
import { IsNotBlank, Omittable } from '../settings/settings-validation.js';

export const MAX_TEAM_NAME_LENGTH = 100;
export const MAX_TEAM_MEMBERS = 500;
const MAX_ID_LENGTH = 200;
const MAX_CONDITION_VALUES = 50;

export class TeamDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ASSIGNMENT_MODES, description: 'round_robin: the next agent after the last one, in member order; balanced: the agent with the fewest open tickets' })
  assignmentMode!: AssignmentMode;
  @ApiProperty({ description: 'Whether the team\'s assigner hands its waiting tickets to agents' })
  autoAssign!: boolean;
  @ApiProperty({ type: [String], description: 'The members\' user ids, in member order (round robin goes in this order)' })
  memberIds!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class TeamListDto {
  @ApiProperty({ type: [TeamDto] }) teams!: TeamDto[];
}

export class TeamBody {
  @ApiProperty({ maxLength: MAX_TEAM_NAME_LENGTH, example: 'Billing', description: 'Unique in the account, regardless of case; trimmed' })
  @IsString() @IsNotBlank() @MaxLength(MAX_TEAM_NAME_LENGTH)
  name!: string;

  @ApiPropertyOptional({ enum: ASSIGNMENT_MODES, default: 'round_robin' })
  @Omittable() @IsIn(ASSIGNMENT_MODES, { message: `assignmentMode must be one of ${ASSIGNMENT_MODES.join(', ')}` })
  assignmentMode?: AssignmentMode;

  @ApiPropertyOptional({ type: Boolean, default: true })
  @Omittable() @IsBoolean()
  autoAssign?: boolean;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_TEAM_MEMBERS, description: 'Active inbox users of the account, in member order' })
  @Omittable() @IsArray() @ArrayMaxSize(MAX_TEAM_MEMBERS) @IsString({ each: true }) @MaxLength(MAX_ID_LENGTH, { each: true })
  memberIds?: string[];
}

export class TeamPatchBody {
  @ApiPropertyOptional({ maxLength: MAX_TEAM_NAME_LENGTH })
  @Omittable() @IsString() @IsNotBlank() @MaxLength(MAX_TEAM_NAME_LENGTH)
  name?: string;

  @ApiPropertyOptional({ enum: ASSIGNMENT_MODES })
  @Omittable() @IsIn(ASSIGNMENT_MODES, { message: `assignmentMode must be one of ${ASSIGNMENT_MODES.join(', ')}` })
  assignmentMode?: AssignmentMode;

  @ApiPropertyOptional({ type: Boolean })
  @Omittable() @IsBoolean()
  autoAssign?: boolean;
}

export class TeamMembersBody {
  @ApiProperty({ type: [String], maxItems: MAX_TEAM_MEMBERS, description: 'Every member, in member order: active inbox users of the account' })
  @IsArray() @ArrayMaxSize(MAX_TEAM_MEMBERS) @IsString({ each: true }) @MaxLength(MAX_ID_LENGTH, { each: true })
  userIds!: string[];
}

export class WaitingTicketDto {
  @ApiProperty() ticketId!: string;
  @ApiProperty({ format: 'date-time', description: 'Since when it waits: the queue\'s order, oldest first' }) since!: string;
}

export class TeamQueueDto {
  @ApiProperty({ type: [WaitingTicketDto], description: 'Tickets waiting for an agent, oldest first' }) waiting!: WaitingTicketDto[];
}

/** Every condition given must hold; `{}` matches every ticket. */
export class TeamRuleConditionsDto {
  @ApiPropertyOptional({ enum: CHANNELS, isArray: true, description: 'The ticket\'s channel is one of these' })
  @Omittable() @IsArray() @ArrayMaxSize(CHANNELS.length) @IsIn(CHANNELS, { each: true, message: `channels must be among ${CHANNELS.join(', ')}` })
  channels?: Channel[];

  @ApiPropertyOptional({ type: [String], maxItems: MAX_CONDITION_VALUES, description: 'The ticket has at least one of these tags (regardless of case)' })
  @Omittable() @IsArray() @ArrayMaxSize(MAX_CONDITION_VALUES) @IsString({ each: true }) @IsNotBlank({ each: true }) @MaxLength(100, { each: true })
  tagsAny?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: MAX_CONDITION_VALUES, description: 'Email: the support address the customer wrote to is one of these (regardless of case)' })
  @Omittable() @IsArray() @ArrayMaxSize(MAX_CONDITION_VALUES) @IsString({ each: true }) @IsNotBlank({ each: true }) @MaxLength(320, { each: true })
  supportAddresses?: string[];
}

export class TeamRoutingRuleBody {
  @ApiProperty({ description: 'A team of the account' })
  @IsString() @IsNotBlank() @MaxLength(MAX_ID_LENGTH)
  teamId!: string;

  @ApiPropertyOptional({ type: TeamRuleConditionsDto, description: 'Default {} (every ticket)' })
  @Omittable() @IsObject() @ValidateNested() @Type(() => TeamRuleConditionsDto)
  conditions?: TeamRuleConditionsDto;
}

export class TeamRoutingRulesBody {
  @ApiProperty({ type: [TeamRoutingRuleBody], maxItems: MAX_ROUTING_RULES, description: 'The whole list, in order: the first rule that matches a new ticket names its team' })
  @IsArray() @ArrayMaxSize(MAX_ROUTING_RULES) @ValidateNested({ each: true }) @IsObject({ each: true }) @Type(() => TeamRoutingRuleBody)
  rules!: TeamRoutingRuleBody[];
}

export class TeamRoutingRuleDto {
  @ApiProperty() id!: string;
  @ApiProperty() teamId!: string;
  @ApiProperty({ type: TeamRuleConditionsDto }) conditions!: TeamRuleConditionsDto;
}

export class TeamRoutingRulesDto {
  @ApiProperty({ type: [TeamRoutingRuleDto] }) rules!: TeamRoutingRuleDto[];
}

export class AvailabilityBody {
  @ApiProperty({ enum: AVAILABILITIES, description: 'Only online agents get tickets from a team\'s assigner' })
  @IsIn(AVAILABILITIES, { message: `availability must be one of ${AVAILABILITIES.join(', ')}` })
  availability!: Availability;
}

export class CapacityBody {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_CAPACITY, description: 'The most open tickets the agent holds before the assigners pass them by (0: none)' })
  @IsInt() @Min(0) @Max(MAX_CAPACITY)
  capacity!: number;
}

export class AgentLoadDto {
  @ApiProperty() userId!: string;
  @ApiProperty({ enum: AVAILABILITIES }) availability!: Availability;
  @ApiProperty({ type: 'integer' }) capacity!: number;
}
