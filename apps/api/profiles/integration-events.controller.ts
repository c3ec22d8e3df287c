import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, IntegrationOnly, type IntegrationPrincipal } from '../auth/principal.js';
import { ProfileEventsService } from './profile-events.service.js';
import { PostEventsBody, PostEventsResultDto } from './profile.dto.js';

/** Integrations tell what customers did (SPEC §6): events filed under each person's profile. */
@ApiTags('integration')
@ApiBearerAuth()
@Controller('integration')
export class IntegrationEventsController {
  constructor(private readonly events: ProfileEventsService) {}

  @Post('events')
  @HttpCode(200)
  @IntegrationOnly()
  @ApiOperation({ summary: 'Post up to 1,000 events; each is accepted, a duplicate of one stored (same uniqueId), or refused with its reason, on its own' })
  @ApiOkResponse({ type: PostEventsResultDto })
  async post(@CurrentPrincipal() principal: IntegrationPrincipal, @Body() body: PostEventsBody): Promise<PostEventsResultDto> {
    const results = await this.events.ingest(principal.accountId, body.events, new Date().toISOString());
    const count = (status: string) => results.filter((result) => result.status === status).length;
    return { accepted: count('accepted'), duplicates: count('duplicate'), refused: count('refused'), results };
  }
}
