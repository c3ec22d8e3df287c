import { applyDecorators, HttpStatus, Inject, Injectable, SetMetadata, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { RequestRateLimitName } from '../../../libs/config/rate-limits.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { RateLimiters } from './rate-limiters.js';

const RATE_LIMITS = 'rate-limits:names';

/** Refuses a request over one of its route's limits with 429, the one error shape and the standard Retry-After header. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(RateLimiters) private readonly limiters: RateLimiters,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const limits = this.reflector.getAllAndMerge<RequestRateLimitName[]>(RATE_LIMITS, [context.getHandler(), context.getClass()]);
    const verdict = await this.limiters.consume(context.switchToHttp().getRequest<Request>(), limits);
    if (verdict.allowed) return true;
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(verdict.retryAfterSeconds));
    throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, 'rate_limited', `too many requests (${verdict.limit}: ${verdict.detail}); retry after ${verdict.retryAfterSeconds} s`);
  }
}

/** The route counts against these limits (libs/config/rate-limits.ts); over one it answers 429 with Retry-After. */
export function RateLimited(...limits: RequestRateLimitName[]) {
  return applyDecorators(
    SetMetadata(RATE_LIMITS, limits),
    UseGuards(RateLimitGuard),
    ApiResponse({
      status: HttpStatus.TOO_MANY_REQUESTS,
      type: ApiErrorBody,
      description: `rate_limited: over a rate limit (${limits.join(', ')}; docs/operations.md, "Rate limits")`,
      headers: { 'Retry-After': { description: 'Seconds until the limit lets the client in again', schema: { type: 'integer' } } },
    }),
  );
}
