import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Orm } from '../../../libs/persistence/orm.js';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ORM } from '../tokens.js';

class CaughtMailDto {
  @ApiProperty() id!: string;
  @ApiProperty() messageId!: string;
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty({ type: [String] }) to!: string[];
  @ApiProperty({ nullable: true, type: String }) subject!: string | null;
  @ApiProperty({ nullable: true, type: String }) text!: string | null;
  @ApiProperty({ description: 'Header names lower-cased' }) headers!: Record<string, string>;
  @ApiProperty({ description: 'The message exactly as SMTP would have carried it' }) raw!: string;
  @ApiProperty({ format: 'date-time' }) caughtAt!: string;
}

class MailboxDto {
  @ApiProperty({ type: [CaughtMailDto] }) mail!: CaughtMailDto[];
}

class MailboxQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

/** The local mailbox of the embedded default (no SMTP_URL): every mail the product sent for this account. */
@ApiTags('mailbox')
@ApiBearerAuth()
@Controller('mailbox')
export class MailboxController {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  @Get()
  @ApiOperation({ summary: 'Mail caught locally instead of being sent (embedded default), newest first' })
  @ApiOkResponse({ type: MailboxDto })
  async list(@CurrentPrincipal() principal: AgentPrincipal, @Query() query: MailboxQuery): Promise<MailboxDto> {
    const rows = await this.orm.em.fork().execute<
      { id: string; message_id: string; envelope_from: string | null; envelope_to: string[]; subject: string | null; text_body: string | null; headers: Record<string, string>; raw: string; caught_at: Date }[]
    >(`SELECT * FROM caught_mail WHERE account_id = ? ORDER BY caught_at DESC, id DESC LIMIT ${query.limit ?? 50}`, [principal.accountId]);
    return {
      mail: rows.map((row) => ({
        id: row.id,
        messageId: row.message_id,
        from: row.envelope_from,
        to: row.envelope_to,
        subject: row.subject,
        text: row.text_body,
        headers: row.headers,
        raw: row.raw,
        caughtAt: new Date(row.caught_at).toISOString(),
      })),
    };
  }
}
