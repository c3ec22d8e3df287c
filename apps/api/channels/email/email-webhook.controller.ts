import { Controller, HttpCode, HttpStatus, Inject, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AppConfig } from '../../../../libs/config/config.js';
import { EmailReceiver, EmailRejected } from '../../../../libs/email/email-receiver.js';
import { parseInboundEmail, UnreadableEmail } from '../../../../libs/email/inbound-email.js';
import { CurrentPrincipal, IntegrationOnly, type IntegrationPrincipal } from '../../auth/principal.js';
import { ApiError, ApiErrorBody } from '../../common/api-error.js';
import { AcceptsContentTypes } from '../../common/content-type.guard.js';
import { APP_CONFIG } from '../../tokens.js';

const RAW_MESSAGE_TYPES = ['message/rfc822', 'application/octet-stream', 'text/plain'];

class ReceivedEmailDto {
  @ApiProperty() ticketId!: string;
  @ApiProperty() messageId!: string;
  @ApiProperty({ type: [String], description: 'Why the message counts as written by a machine (auto-reply, bounce, list); empty for a person' })
  automatedReasons!: string[];
}

/**
 * For mail providers' inbound-parse webhooks: the raw RFC 822 message as the request body, with the
 * account's integration token. Same pipeline as the SMTP ingress; 202 once the message is with its ticket.
 */
@ApiTags('email')
@ApiBearerAuth()
@Controller('webhooks/email')
export class EmailWebhookController {
  constructor(
    private readonly receiver: EmailReceiver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('raw')
  @AcceptsContentTypes('*') // checked below: the raw message, never JSON
  @HttpCode(202)
  @IntegrationOnly()
  @ApiOperation({ summary: 'Receive one raw email (Content-Type: message/rfc822); it lands in its thread\'s ticket' })
  @ApiConsumes(...RAW_MESSAGE_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiAcceptedResponse({ type: ReceivedEmailDto })
  @ApiBadRequestResponse({ type: ApiErrorBody })
  async receiveRaw(@CurrentPrincipal() principal: IntegrationPrincipal, @Req() request: Request): Promise<ReceivedEmailDto> {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!RAW_MESSAGE_TYPES.includes(type)) {
      throw new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported_media_type', `Content-Type must be one of ${RAW_MESSAGE_TYPES.join(', ')}`, 'content-type');
    }
    const raw = await this.readBody(request);
    if (raw.length === 0) throw ApiError.badRequest('the body must be a raw RFC 822 message', 'body');
    try {
      const email = await parseInboundEmail(raw);
      const received = await this.receiver.receive(email, { accountId: principal.accountId, envelopeFrom: null, recipients: [] });
      return { ticketId: received.ticketId, messageId: received.messageId, automatedReasons: received.automatedReasons };
    } catch (error) {
      if (error instanceof UnreadableEmail) throw ApiError.badRequest(error.message, 'body');
      if (error instanceof EmailRejected) throw ApiError.badRequest(error.message, error.field);
      throw error;
    }
  }

  private async readBody(request: Request): Promise<Buffer> {
    const limit = this.config.smtpIngress.maxMessageBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, 'payload_too_large', `the message exceeds the ${limit}-byte limit`, 'body');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
}
