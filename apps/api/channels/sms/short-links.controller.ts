import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Orm } from '../../../../libs/persistence/orm.js';
import { Public } from '../../auth/principal.js';
import { ApiError, ApiErrorBody } from '../../common/api-error.js';
import { ORM } from '../../tokens.js';

/** Short links of outbound SMS (link shortening setting): public, they redirect and count clicks. */
@ApiTags('sms')
@Controller('l')
export class ShortLinksController {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  @Get(':code')
  @Public()
  @ApiOperation({ summary: 'Follow a short link from an SMS' })
  @ApiFoundResponse({ description: 'Redirect to the original URL' })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  async follow(@Param('code') code: string, @Res() response: Response): Promise<void> {
    const [link] = await this.orm.em.fork().execute<{ url: string }[]>(
      'UPDATE sms_short_links SET clicks = clicks + 1, last_clicked_at = now() WHERE code = ? RETURNING url',
      [code],
    );
    if (!link) throw ApiError.notFound(`short link ${code} not found`);
    response.redirect(302, link.url);
  }
}
