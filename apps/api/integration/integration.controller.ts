import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CHANNELS, type Channel } from '../../../libs/domain/channel-policy.js';
import { InboundIngestion, InboundMessageRejected } from '../../../libs/ingestion/inbound-ingestion.js';
import { CurrentPrincipal, IntegrationOnly, type IntegrationPrincipal } from '../auth/principal.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { IsDateTime } from '../common/date-time.validator.js';

class SenderDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ description: 'SMS: the sender\'s number (normalised to E.164)' }) @IsOptional() @IsString() @MaxLength(40) phone?: string;
  @ApiPropertyOptional({ description: 'Email: the sender\'s address' }) @IsOptional() @IsEmail() email?: string;
  @ApiPropertyOptional({ description: 'Web chat: the visitor' }) @IsOptional() @IsString() @MaxLength(200) visitorId?: string;
}

class InboundMessageBody {
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS) channel!: Channel;
  @ApiProperty({ description: 'Your id of this message; posting the same id again is one message' }) @IsString() @IsNotEmpty() @MaxLength(500) externalId!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100000) body!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(998) subject?: string;
  @ApiProperty({ type: SenderDto }) @IsObject() @ValidateNested() @Type(() => SenderDto) sender!: SenderDto;
  @ApiPropertyOptional({ description: 'Email: the thread (e.g. its first Message-ID). Web chat: the conversation. Ignored for SMS.' })
  @IsOptional() @IsString() @MaxLength(1000) threadKey?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsDateTime() receivedAt?: string;
}

class AcceptedMessageDto {
  @ApiProperty() ticketId!: string;
  @ApiProperty() messageId!: string;
}

/**
 * The API channel (like Chatwoot's): an integration token posts a customer's message of any
 * channel. The message is handed to its ticket durably before the 202 is sent.
 */
@ApiTags('integration')
@ApiBearerAuth()
@Controller('integration')
export class IntegrationController {
  constructor(@Inject(InboundIngestion) private readonly ingestion: InboundIngestion) {}

  @Post('messages')
  @HttpCode(202)
  @IntegrationOnly()
  @ApiOperation({ summary: 'Post a customer\'s inbound message; it lands in (or creates) its ticket by the channel\'s rules' })
  @ApiAcceptedResponse({ type: AcceptedMessageDto })
  @ApiBadRequestResponse({ type: ApiErrorBody })
  async postMessage(@CurrentPrincipal() principal: IntegrationPrincipal, @Body() body: InboundMessageBody): Promise<AcceptedMessageDto> {
    try {
      return await this.ingestion.ingest({ ...body, accountId: principal.accountId, sender: body.sender });
    } catch (error) {
      if (error instanceof InboundMessageRejected) throw ApiError.badRequest(error.message, error.field);
      throw error;
    }
  }
}
