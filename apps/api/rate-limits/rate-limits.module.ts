import { Global, Module } from '@nestjs/common';
import { RateLimiters } from './rate-limiters.js';

/** The API's rate limits; routes opt in with @RateLimited(). */
@Global()
@Module({ providers: [RateLimiters], exports: [RateLimiters] })
export class RateLimitsModule {}
