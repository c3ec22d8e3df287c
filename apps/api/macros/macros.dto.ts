import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, IsArray, IsBoolean, IsObject, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import {
  ASSIGN_TO_APPLYING_AGENT,
  MACRO_ACTION_TYPES,
  MACRO_VARIABLES,
  MAX_MACRO_ASSIGNEE_ID_LENGTH,
  MAX_MACRO_NAME_LENGTH,
  MAX_MACRO_SNOOZE_MINUTES,
  type MacroActionType,
} from '../../../libs/domain/macros.js';
import { MAX_MACRO_STEPS, MAX_REPLY_LENGTH, MAX_TAG_LENGTH, MAX_TAGS, TICKET_PRIORITIES, type TicketPriority } from '../../../libs/domain/ticket.js';
import { Omittable } from '../settings/settings-validation.js';
import { TicketStateDto } from '../tickets/ticket.dto.js';

/**
 * One schema per shape. The classes check types and sizes and document the fields; a macro's own rules (the
 * fields each action takes, one of each action but tag, known variables) are validateMacro's, whose problems
 * name fields the same way the console shows them: `reply`, `actions[2].add`, `actions[0].for`.
 */

const VARIABLES_LIST = MACRO_VARIABLES.map((variable) => `{{${variable.name}}}`).join(', ');

/** One action of a macro: `type` says which fields it takes (any other is refused). */
export class MacroActionDto {
  @ApiProperty({ enum: MACRO_ACTION_TYPES, description: 'tag {add, remove}; assign {assigneeId}; unassign; set_priority {priority}; snooze {for}; close' })
  @Allow()
  type!: MacroActionType;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_TAGS, description: `tag: tags to add (1 to ${MAX_TAG_LENGTH} characters, normalised like ticket tags)` })
  @Allow()
  add?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: MAX_TAGS, description: 'tag: tags to remove' })
  @Allow()
  remove?: string[];

  @ApiPropertyOptional({ maxLength: MAX_MACRO_ASSIGNEE_ID_LENGTH, description: `assign: an active inbox user of the account, or "${ASSIGN_TO_APPLYING_AGENT}" for the agent who applies the macro` })
  @Allow()
  assigneeId?: string;

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, description: 'set_priority: the new priority' })
  @Allow()
  priority?: TicketPriority;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_MACRO_SNOOZE_MINUTES, description: 'snooze: minutes from the moment the macro is applied' })
  @Allow()
  for?: number;

  /** Accepted only to be refused with the reason: a stored macro cannot snooze until a fixed time. */
  @ApiHideProperty()
  @Allow()
  until?: unknown;
}

/** The body of POST /macros and PUT /macros/{macroId}: the whole macro (PUT replaces every field). */
export class MacroBody {
  @ApiProperty({ maxLength: MAX_MACRO_NAME_LENGTH, example: 'Refund sent', description: 'Trimmed; unique regardless of case among your personal macros, or among the account\'s shared ones' })
  @IsString()
  @MaxLength(MAX_MACRO_NAME_LENGTH)
  name!: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Shared with the whole account (only owners, admins and managers create or change shared macros); otherwise yours alone' })
  @Omittable()
  @IsBoolean()
  shared?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: MAX_REPLY_LENGTH,
    example: 'Hi {{customer.first_name}}, your refund is on its way. {{agent.first_name}}',
    description: `The reply, plain text, with variables: ${VARIABLES_LIST}. Null, blank or left out: the macro does not reply. An unknown variable is refused`,
  })
  @ValidateIf((_, value: unknown) => value !== undefined && value !== null)
  @IsString()
  @MaxLength(MAX_REPLY_LENGTH)
  reply?: string | null;

  @ApiPropertyOptional({
    type: [MacroActionDto],
    maxItems: MAX_MACRO_STEPS,
    description: `Applied with the reply as one step each (${MAX_MACRO_STEPS} at most with the reply); at most one of each type but tag. Default []`,
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_MACRO_STEPS)
  @ValidateNested({ each: true })
  @IsObject({ each: true })
  @Type(() => MacroActionDto)
  actions?: MacroActionDto[];
}

export class MacroDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Shared with the account; otherwise personal (its owner\'s alone)' }) shared!: boolean;
  @ApiProperty({ description: 'Who created it (for a personal macro: the only one who sees it)' }) ownerUserId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The reply template; null when the macro does not reply' }) reply!: string | null;
  @ApiProperty({ type: [MacroActionDto] }) actions!: MacroActionDto[];
  @ApiProperty({ type: 'integer', description: 'How many times it was applied (once per action, however often its request was retried)' }) usageCount!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastUsedAt!: string | null;
  @ApiProperty({ description: 'Whether you may change and delete it' }) canEdit!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class MacroListDto {
  @ApiProperty({ type: [MacroDto], description: 'Your personal macros and the account\'s shared ones, by name' }) macros!: MacroDto[];
}

/** Applied: the ticket's new state, and the message id when the macro replied. */
export class MacroApplyResultDto {
  @ApiProperty() macroId!: string;
  @ApiPropertyOptional({ description: 'The reply\'s message id, when the macro replied' }) messageId?: string;
  @ApiProperty({ type: TicketStateDto }) ticket!: TicketStateDto;
}
