import { HttpStatus, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from './api-error.js';

const CONTENT_TYPES = 'acceptedContentTypes';

/**
 * The content types a controller or route takes instead of JSON (Twilio's form-encoded webhooks);
 * `'*'` when the handler reads and checks the body itself (the raw MIME email webhook).
 */
export const AcceptsContentTypes = (...types: string[]) => SetMetadata(CONTENT_TYPES, types.map((type) => type.toLowerCase()));

const isJson = (type: string) => type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);

/** A request carries a body when it says how long it is (and it is not empty) or that it is chunked. */
function hasBody(request: Request): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(request.headers['content-length'] ?? 0);
  return Number.isFinite(length) && length > 0;
}

/** A body that is not JSON on an endpoint that takes JSON is answered 415 before anything reads it. */
@Injectable()
export class ContentTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (!hasBody(request)) return true;
    const accepted = this.reflector.getAllAndOverride<string[] | undefined>(CONTENT_TYPES, [context.getHandler(), context.getClass()]) ?? ['application/json'];
    if (accepted.includes('*')) return true;
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (accepted.includes(type) || (isJson(type) && accepted.includes('application/json'))) return true;
    throw ApiError.unsupportedMediaType(`Content-Type must be ${accepted.join(' or ')}${type ? `, not ${type}` : ''}`);
  }
}
