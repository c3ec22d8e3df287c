import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayUnique, IsArray, IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { CHANNELS, type Channel } from '../../../libs/domain/channel-policy.js';
import { MAX_CSAT_COMMENT_LENGTH, MAX_CSAT_QUESTION_LENGTH, MAX_CSAT_RESEND_AFTER_DAYS, type CsatSettings } from '../../../libs/domain/csat.js';
import { IsNotBlank, Omittable, OmittableOrNull } from '../settings/settings-validation.js';

const CHANNEL_LIST = [...CHANNELS];
const SCORE_MESSAGE = 'score must be a whole number from 1 (poor) to 5 (excellent)';

export class CsatSettingsDto implements CsatSettings {
  @ApiProperty({ enum: CHANNEL_LIST, isArray: true, description: 'The channels whose closed tickets send a survey; none by default' }) enabledChannels!: Channel[];
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_CSAT_RESEND_AFTER_DAYS, description: 'No second survey for a ticket within this many days of its last one (0: every close surveys; default 7)' })
  resendAfterDays!: number;
  @ApiProperty({ maxLength: MAX_CSAT_QUESTION_LENGTH, description: 'Asked above the 1–5 rating' }) question!: string;
}

/** Keys left out keep their value; null is refused. */
export class CsatSettingsPatch {
  @ApiPropertyOptional({ enum: CHANNEL_LIST, isArray: true, uniqueItems: true, description: 'Replaces the list; [] turns surveys off; null is refused' })
  @Omittable()
  @IsArray()
  @ArrayUnique({ message: 'enabledChannels must not name a channel twice' })
  @IsIn(CHANNEL_LIST, { each: true, message: `enabledChannels may only hold ${CHANNEL_LIST.join(', ')}` })
  enabledChannels?: Channel[];
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_CSAT_RESEND_AFTER_DAYS, description: 'Whole days; null is refused' })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(MAX_CSAT_RESEND_AFTER_DAYS)
  resendAfterDays?: number;
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: MAX_CSAT_QUESTION_LENGTH, description: 'Not blank; null is refused' })
  @Omittable()
  @IsString()
  @IsNotBlank()
  @MaxLength(MAX_CSAT_QUESTION_LENGTH)
  question?: string;
}

/** A form post sends every field as text: a score of decimal digits is read as the number it spells. */
const numberFromFormText = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^\s*\d{1,3}\s*$/.test(value) ? Number(value) : value);

/** The customer's answer, as JSON or as the survey page's form (application/x-www-form-urlencoded). */
export class CsatAnswerBody {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, description: '1 (poor) to 5 (excellent)' })
  @Transform(numberFromFormText)
  @IsInt({ message: SCORE_MESSAGE })
  @Min(1, { message: SCORE_MESSAGE })
  @Max(5, { message: SCORE_MESSAGE })
  score!: number;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: MAX_CSAT_COMMENT_LENGTH, description: 'null or blank: no comment' })
  @OmittableOrNull()
  @IsString()
  @MaxLength(MAX_CSAT_COMMENT_LENGTH)
  comment?: string | null;
}

export class CsatAnswerDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) score!: number;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) answeredAt!: string;
}

/** What the survey page shows, for a client that asks for JSON. */
export class CsatSurveyPageDto {
  @ApiProperty({ description: "The account's question (settings.csat.question)" }) question!: string;
  @ApiProperty({ nullable: true, type: 'integer', minimum: 1, maximum: 5, description: 'The saved answer; null until answered' }) score!: number | null;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) answeredAt!: string | null;
}

export class TicketCsatSurveyDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: CHANNEL_LIST, description: 'Where the survey was sent' }) channel!: Channel;
  @ApiProperty({ type: String, format: 'date-time' }) sentAt!: string;
  @ApiProperty({ nullable: true, type: 'integer', minimum: 1, maximum: 5, description: 'null: not answered (yet)' }) score!: number | null;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'The last answer; a customer may answer again' }) answeredAt!: string | null;
}

export class TicketCsatDto {
  @ApiProperty({ type: [TicketCsatSurveyDto], description: 'Newest first' }) surveys!: TicketCsatSurveyDto[];
}
