import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { createLogger } from '../../../libs/logger/logger.js';
import { ApiError, type ApiErrorBody } from './api-error.js';

const log = createLogger('api');

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

/** Turns every thrown error into the API's one error shape; unexpected ones are logged and hidden. */
@Catch()
export class ErrorShapeFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500 && body.statusCode !== HttpStatus.SERVICE_UNAVAILABLE) {
      log.error('unhandled error', { error: exception instanceof Error ? exception.stack : String(exception) });
    }
    response.status(body.statusCode).json(body);
  }
}

function toErrorBody(exception: unknown): ApiErrorBody {
  if (!(exception instanceof HttpException)) {
    return { statusCode: 500, error: 'internal_error', message: 'Internal server error' };
  }
  const status = exception.getStatus();
  const payload = exception.getResponse();
  if (exception instanceof ApiError) return payload as ApiErrorBody;
  const message =
    typeof payload === 'string'
      ? payload
      : Array.isArray((payload as { message?: unknown }).message)
        ? ((payload as { message: string[] }).message).join('; ')
        : String((payload as { message?: unknown }).message ?? exception.message);
  return { statusCode: status, error: CODE_BY_STATUS[status] ?? 'error', message };
}
