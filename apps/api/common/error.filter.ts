import { status as GrpcStatus } from '@grpc/grpc-js';
import { ConnectionException } from '@mikro-orm/core';
import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';
import type { Response } from 'express';
import { createLogger } from '../../../libs/logger/logger.js';
import { ApiError, RETRY_AFTER_SECONDS, type ApiErrorBody } from './api-error.js';

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
    const body = errorBodyOf(exception);
    if (body.statusCode >= 500 && body.statusCode !== HttpStatus.SERVICE_UNAVAILABLE) {
      log.error('unhandled error', { error: exception instanceof Error ? exception.stack : String(exception) });
    }
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    response.status(body.statusCode).json(body);
  }
}

/** The error and its causes (Temporal's ServiceError and MikroORM's exceptions wrap the driver's error), nearest first. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && chain.length < 5; current = (current as { cause?: unknown }).cause) {
    chain.push(current);
    if (current instanceof AggregateError) chain.push(...current.errors);
  }
  return chain;
}

/** gRPC codes meaning Temporal could not be reached, was overloaded, or did not answer in time. */
const TEMPORAL_UNAVAILABLE_CODES = new Set<number>([GrpcStatus.UNAVAILABLE, GrpcStatus.RESOURCE_EXHAUSTED, GrpcStatus.DEADLINE_EXCEEDED]);

function isTemporalUnavailable(error: unknown): boolean {
  if (isGrpcDeadlineError(error)) return true;
  return causeChain(error).some((cause) => isGrpcServiceError(cause) && TEMPORAL_UNAVAILABLE_CODES.has(cause.code));
}

/**
 * Socket errors of a lost or refused database connection, and PostgreSQL's SQLSTATEs of class 08
 * (connection exception) and 57P01-57P03 (admin/crash shutdown, cannot connect now: a restart).
 * Not 08P01 (protocol violation): PostgreSQL answers it to data it cannot take, a NUL byte for one.
 */
const DATABASE_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', '57P01', '57P02', '57P03']);

function isDatabaseUnavailable(error: unknown): boolean {
  return causeChain(error).some((cause) => {
    if (cause instanceof ConnectionException) return true;
    const code = (cause as { code?: unknown } | null)?.code;
    if (typeof code === 'string') return DATABASE_CONNECTION_CODES.has(code) || (code.startsWith('08') && code !== '08P01');
    // node-postgres ends a query whose connection dropped with this message and no code
    return cause instanceof Error && /^Connection terminated/.test(cause.message);
  });
}

/** The one error shape for anything thrown (exported for its unit test). */
export function errorBodyOf(exception: unknown): ApiErrorBody {
  if (!(exception instanceof HttpException)) {
    if (isDatabaseUnavailable(exception)) {
      return ApiError.unavailable(
        'the database is not reachable right now (restarting?); reads are safe to retry, and so are actions sent with an Idempotency-Key',
      ).getResponse() as ApiErrorBody;
    }
    if (isTemporalUnavailable(exception)) {
      return ApiError.unavailable(
        'Temporal is not reachable right now; reads are safe to retry, and so are actions sent with an Idempotency-Key',
      ).getResponse() as ApiErrorBody;
    }
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
