import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { AGENT_TYPING_SHOWN_MS, AGENT_VIEWING_SHOWN_MS } from '../../../libs/domain/agent-presence.js';
import { Omittable } from '../settings/settings-validation.js';

/** A heartbeat of the caller on a ticket page. */
export class PresenceBeatBody {
  @ApiPropertyOptional({
    type: Boolean,
    description: `true: the agent is typing a reply (shown for ${AGENT_TYPING_SHOWN_MS / 1000} s after the last such beat); false: stopped typing; left out: typing unchanged. null is refused`,
  })
  @Omittable()
  @IsBoolean()
  typing?: boolean;
}

export class AgentOnTicketDto {
  @ApiProperty() userId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: [true], description: `Always true: only agents seen within the last ${AGENT_VIEWING_SHOWN_MS / 1000} s are listed` }) viewing!: true;
  @ApiProperty({ description: 'Typing a reply (a typing beat within the last few seconds)' }) typing!: boolean;
  @ApiProperty({ type: String, format: 'date-time', description: 'The last heartbeat' }) seenAt!: string;
}

export class TicketPresenceDto {
  @ApiProperty({ type: [AgentOnTicketDto], description: 'The other agents of the account on this ticket (never the caller): typing ones first, then by name' })
  agents!: AgentOnTicketDto[];
}
