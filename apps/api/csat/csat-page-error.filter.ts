import { ArgumentsHost, Catch, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createLogger } from '../../../libs/logger/logger.js';
import { RETRY_AFTER_SECONDS } from '../common/api-error.js';
import { errorBodyOf, ErrorShapeFilter } from '../common/error.filter.js';
import { CSAT_PAGE_HEADERS, problemPage } from './csat-pages.js';

const log = createLogger('api');

const isJsonType = (type: string) => type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);

/** A JSON request, or one whose Accept prefers JSON to HTML, is answered JSON; a browser gets pages. */
export function wantsJson(request: Request): boolean {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return isJsonType(type) || request.accepts(['html', 'json']) === 'json';
}

/**
 * The survey routes' refusals (unknown link, bad answer, rate limit): the customer in a browser sees a page, an
 * API client the one error shape. Everything else about the error (status, Retry-After, logging) stays the API's.
 */
@Catch()
export class CsatPageErrorFilter implements ExceptionFilter {
  private readonly apiErrors = new ErrorShapeFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const body = errorBodyOf(exception);
    if (wantsJson(request)) {
      this.apiErrors.catch(exception, host);
      return;
    }
    const response = host.switchToHttp().getResponse<Response>();
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    else if (body.statusCode >= 500) log.error('unhandled error', { error: exception instanceof Error ? exception.stack : String(exception) });
    response.status(body.statusCode).set(CSAT_PAGE_HEADERS).send(problemPage(body.statusCode, body.message));
  }
}
