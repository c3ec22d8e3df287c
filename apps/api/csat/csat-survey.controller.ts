import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseFilters, type Type } from '@nestjs/common';
import { ApiConsumes, ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/principal.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { AcceptsContentTypes } from '../common/content-type.guard.js';
import { RateLimited } from '../rate-limits/rate-limited.decorator.js';
import { AccountSettingsService } from '../settings/account-settings.service.js';
import { CsatPageErrorFilter, wantsJson } from './csat-page-error.filter.js';
import { CSAT_PAGE_HEADERS, surveyPage, thankYouPage } from './csat-pages.js';
import { CsatAnswerBody, CsatAnswerDto, CsatSurveyPageDto } from './csat.dto.js';
import { CsatService } from './csat.service.js';

const unknownSurvey = () => ApiError.notFound('no survey has this link');

/** Each answer of these routes comes in two forms: the page for a browser, JSON for a client that sends or asks for JSON. */
const pageOrJson = (json: Type) => ({ 'application/json': { schema: { $ref: getSchemaPath(json) } }, 'text/html': { schema: { type: 'string' as const } } });
const RETRY_AFTER = { 'Retry-After': { description: 'Seconds until the limit lets the client in again', schema: { type: 'integer' as const } } };

/** The success and every refusal of a survey route, documented in both forms (put above @RateLimited: its 429 gains the page form). */
function PageOrJsonResponses(ok: Type, badRequest: string) {
  return applyDecorators(
    ApiResponse({ status: 200, description: 'text/html: the page; application/json: this', content: pageOrJson(ok) }),
    ApiResponse({ status: 400, description: badRequest, content: pageOrJson(ApiErrorBody) }),
    ApiResponse({ status: 404, description: 'not_found: an unknown or malformed link', content: pageOrJson(ApiErrorBody) }),
    ApiResponse({ status: 429, description: '', headers: RETRY_AFTER, content: pageOrJson(ApiErrorBody) }),
    // Descriptions left empty get the API's defaults (apps/api/common/error-responses.ts).
    ...[413, 415, 503].map((status) => ApiResponse({ status, description: '', content: pageOrJson(ApiErrorBody) })),
  );
}

/**
 * The customer's side of a survey (docs/csat.md): the link `<PUBLIC_URL>/csat/<token>` opens the survey page, and its
 * form posts the answer back to the same address. The token is the only credential; the same routes answer JSON to a
 * client that sends or asks for it.
 */
@ApiTags('csat')
@ApiExtraModels(CsatSurveyPageDto, CsatAnswerDto, ApiErrorBody)
@Public()
@AcceptsContentTypes('application/json', 'application/x-www-form-urlencoded')
@UseFilters(CsatPageErrorFilter)
@Controller('csat')
export class CsatSurveyController {
  constructor(
    private readonly surveys: CsatService,
    private readonly settings: AccountSettingsService,
  ) {}

  @Get(':token')
  @ApiOperation({ summary: 'The survey page (text/html), or with Accept: application/json the question and any saved answer' })
  @PageOrJsonResponses(CsatSurveyPageDto, 'validation_failed: a parameter is invalid')
  @RateLimited('csatAnswersPerIp')
  async show(@Param('token') token: string, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<CsatSurveyPageDto | string> {
    const survey = await this.surveys.findByToken(token);
    if (!survey) throw unknownSurvey();
    const { question } = (await this.settings.get(survey.accountId)).csat;
    if (wantsJson(request)) return { question, score: survey.answer?.score ?? null, comment: survey.answer?.comment ?? null, answeredAt: survey.answer?.answeredAt ?? null };
    response.set(CSAT_PAGE_HEADERS);
    return surveyPage(survey.accountName, question, survey.answer);
  }

  @Post(':token')
  @HttpCode(200)
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'Answer the survey (1–5 and an optional comment); answering again replaces the answer. A form post gets the thank-you page' })
  @PageOrJsonResponses(CsatAnswerDto, 'validation_failed: `field` is score (not a whole number from 1 to 5) or comment (too long)')
  @RateLimited('csatAnswersPerIp')
  async answer(
    @Param('token') token: string,
    @Body() body: CsatAnswerBody,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CsatAnswerDto | string> {
    const survey = await this.surveys.findByToken(token);
    if (!survey) throw unknownSurvey();
    // The form always sends the comment box; left empty it means no comment.
    const answer = await this.surveys.answer(token, body.score, body.comment?.trim() || null);
    if (!answer) throw unknownSurvey();
    if (wantsJson(request)) return answer;
    response.set(CSAT_PAGE_HEADERS);
    return thankYouPage(survey.accountName, answer);
  }
}
