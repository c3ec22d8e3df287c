import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Orm } from '../../../../libs/persistence/orm.js';
import { CurrentPrincipal, type AgentPrincipal } from '../../auth/principal.js';
import { ApiError, ApiErrorBody } from '../../common/api-error.js';
import { ORM } from '../../tokens.js';

class EmailAttachmentDto {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) filename!: string | null;
  @ApiProperty() contentType!: string;
  @ApiProperty({ description: 'Bytes' }) size!: number;
  @ApiProperty({ description: 'Shown inside the HTML (an embedded image) rather than attached' }) inline!: boolean;
  @ApiProperty() downloadPath!: string;
}

class EmailMessageDto {
  @ApiProperty() messageId!: string;
  @ApiProperty() ticketId!: string;
  @ApiProperty({ enum: ['inbound', 'outbound'] }) direction!: string;
  @ApiProperty({ description: 'The Message-ID header, without angle brackets' }) rfcMessageId!: string;
  @ApiProperty({ nullable: true, type: String }) inReplyTo!: string | null;
  @ApiProperty({ type: [String] }) references!: string[];
  @ApiProperty({ nullable: true, type: String }) fromAddress!: string | null;
  @ApiProperty({ nullable: true, type: String }) fromName!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'How the customer was found: from, x_original_from, reply_to, forwarded_body, forwarder' })
  senderSource!: string | null;
  @ApiProperty({ type: [String] }) to!: string[];
  @ApiProperty({ type: [String] }) cc!: string[];
  @ApiProperty({ nullable: true, type: String }) supportAddress!: string | null;
  @ApiProperty({ nullable: true, type: String }) subject!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The whole plain text, quoted history included' }) text!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The HTML part, sanitised for display' }) html!: string | null;
  @ApiProperty({ type: [String], description: 'Why the message counts as written by a machine; empty for a person' }) automatedReasons!: string[];
  @ApiProperty({ type: [EmailAttachmentDto] }) attachments!: EmailAttachmentDto[];
}

interface EmailMessageRow {
  message_id: string;
  ticket_id: string;
  direction: string;
  rfc_message_id: string;
  in_reply_to: string | null;
  reference_ids: string[];
  from_address: string | null;
  from_name: string | null;
  sender_source: string | null;
  to_addresses: string[];
  cc_addresses: string[];
  support_address: string | null;
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  automated_reasons: string[];
}

/** The email side of a ticket's messages, and their attachments, for agents of the account only. */
@ApiTags('email')
@ApiBearerAuth()
@Controller('email')
export class EmailMessagesController {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  @Get('messages/:messageId')
  @ApiOperation({ summary: 'One email of a ticket: full text, sanitised HTML, addresses, threading headers, attachments' })
  @ApiOkResponse({ type: EmailMessageDto })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  async message(@CurrentPrincipal() principal: AgentPrincipal, @Param('messageId') messageId: string): Promise<EmailMessageDto> {
    const em = this.orm.em.fork();
    const [row] = await em.execute<EmailMessageRow[]>(
      `SELECT message_id, ticket_id, direction, rfc_message_id, in_reply_to, reference_ids, from_address, from_name, sender_source,
         to_addresses, cc_addresses, support_address, subject, text_body, html_body, automated_reasons
       FROM email_messages WHERE message_id = ? AND account_id = ?`,
      [messageId, principal.accountId],
    );
    if (!row) throw ApiError.notFound(`email message ${messageId} not found`);
    const attachments = await em.execute<{ id: string; filename: string | null; content_type: string; size_bytes: number; inline: boolean }[]>(
      'SELECT id, filename, content_type, size_bytes, inline FROM email_attachments WHERE message_id = ? AND account_id = ? ORDER BY position',
      [messageId, principal.accountId],
    );
    return {
      messageId: row.message_id,
      ticketId: row.ticket_id,
      direction: row.direction,
      rfcMessageId: row.rfc_message_id,
      inReplyTo: row.in_reply_to,
      references: row.reference_ids,
      fromAddress: row.from_address,
      fromName: row.from_name,
      senderSource: row.sender_source,
      to: row.to_addresses,
      cc: row.cc_addresses,
      supportAddress: row.support_address,
      subject: row.subject,
      text: row.text_body,
      html: row.html_body,
      automatedReasons: row.automated_reasons,
      attachments: attachments.map((attachment) => ({
        id: attachment.id,
        filename: attachment.filename,
        contentType: attachment.content_type,
        size: attachment.size_bytes,
        inline: attachment.inline,
        downloadPath: `/email/attachments/${attachment.id}`,
      })),
    };
  }

  @Get('attachments/:attachmentId')
  @ApiOperation({ summary: 'Download an attachment (always as a download, never rendered inline)' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The attachment\'s bytes with its content type' })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  async attachment(@CurrentPrincipal() principal: AgentPrincipal, @Param('attachmentId') attachmentId: string, @Res() response: Response): Promise<void> {
    const [row] = await this.orm.em.fork().execute<{ filename: string | null; content_type: string; content: Buffer }[]>(
      'SELECT filename, content_type, content FROM email_attachments WHERE id = ? AND account_id = ?',
      [attachmentId, principal.accountId],
    );
    if (!row) throw ApiError.notFound(`attachment ${attachmentId} not found`);
    const filename = row.filename ?? 'attachment';
    response.setHeader('content-type', /^[\w.+-]+\/[\w.+-]+$/.test(row.content_type) ? row.content_type : 'application/octet-stream');
    response.setHeader('content-disposition', `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`);
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('content-security-policy', "default-src 'none'; sandbox");
    response.send(row.content);
  }
}
