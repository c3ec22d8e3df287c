import { SetMetadata, type INestApplication, type Type } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type { OpenAPIObject, OperationObject, ParameterObject, PathItemObject, ResponseObject } from '@nestjs/swagger';
import { INTEGRATION_ONLY, IS_PUBLIC, VISITOR_TOKEN } from '../auth/principal.js';
import { RETRY_AFTER_SECONDS } from './api-error.js';

const WITHOUT_ERROR_RESPONSES = 'openapi:without-error-responses';

/** The route cannot give these statuses although the rules below would document them (a static asset needs no database). */
export const WithoutErrorResponses = (...statuses: number[]) => SetMetadata(WITHOUT_ERROR_RESPONSES, statuses);

const ERROR_BODY = { 'application/json': { schema: { $ref: '#/components/schemas/ApiErrorBody' } } };

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'validation_failed: a parameter, header or body field is invalid; `field` names it',
  401: 'unauthenticated: no token or session, a malformed Authorization header, a token that is unknown, revoked or expired, or a session that has ended',
  403: 'forbidden: this token may not call this route (an integration token on a user route, a user token on an integration route, or a role without the right); csrf_token_missing / csrf_token_mismatch: a cookie-authenticated POST, PUT, PATCH or DELETE without the right X-CSRF-Token',
  404: 'not_found: nothing of that id in the caller\'s account',
  413: 'payload_too_large: the body is over the size limit',
  415: 'unsupported_media_type: the body is not of a content type this route takes',
  503: 'service_unavailable: Temporal or PostgreSQL is unreachable; reads, and actions sent with an Idempotency-Key, are safe to retry after Retry-After seconds',
};
const VISITOR_UNAUTHENTICATED = 'unauthenticated: the visitor token is missing, expired, or not this conversation\'s';

interface RouteTraits {
  isPublic: boolean;
  visitorToken: boolean;
  integrationOnly: boolean;
  without: readonly number[];
}

/** Swagger's default operation id is `<controller class>_<method>`: the way back from an operation to its handler. */
function routeTraitsByOperationId(app: INestApplication): Map<string, RouteTraits> {
  const reflector = new Reflector();
  const traits = new Map<string, RouteTraits>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      for (const methodName of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[methodName] as unknown;
        if (methodName === 'constructor' || typeof handler !== 'function') continue;
        const targets = [handler, controller];
        traits.set(`${controller.name}_${methodName}`, {
          isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
          visitorToken: reflector.getAllAndOverride<boolean>(VISITOR_TOKEN, targets) === true,
          integrationOnly: reflector.getAllAndOverride<boolean>(INTEGRATION_ONLY, targets) === true,
          without: reflector.getAllAndOverride<number[]>(WITHOUT_ERROR_RESPONSES, targets) ?? [],
        });
      }
    }
  }
  return traits;
}

/** The statuses every route of this kind can answer, whatever its handler does. */
function commonErrorStatuses(path: string, operation: OperationObject, traits: RouteTraits): number[] {
  const statuses = [503];
  if (!traits.isPublic || traits.visitorToken) statuses.push(401);
  if (!traits.isPublic) statuses.push(403);
  if ((operation.parameters?.length ?? 0) > 0 || operation.requestBody) statuses.push(400);
  if (path.includes('{')) statuses.push(404);
  if (operation.requestBody) statuses.push(413, 415);
  return statuses.filter((status) => !traits.without.includes(status));
}

function errorResponse(status: number, traits: RouteTraits, existing?: ResponseObject): ResponseObject {
  const description = existing?.description || (status === 401 && traits.visitorToken ? VISITOR_UNAUTHENTICATED : DEFAULT_DESCRIPTIONS[status] ?? '');
  const headers =
    status === 503
      ? { 'Retry-After': { description: `Seconds to wait before retrying (${RETRY_AFTER_SECONDS})`, schema: { type: 'integer' as const } }, ...existing?.headers }
      : existing?.headers;
  const content = existing?.content?.['application/json'] ? existing.content : ERROR_BODY;
  return { ...existing, description, ...(headers ? { headers } : {}), content };
}

/**
 * Completes the document's error responses so that it says every status a route can answer: the
 * ones that follow from how the route is guarded and what it takes (401, 403, 400, 404, 413, 415,
 * 503) are added here, the handler-specific ones (409, 422, 429) come from its own decorators; each
 * is the one error shape, as JSON. Public routes need no token, visitor routes take the chat's
 * visitor token, integration routes a bearer token, every other route a bearer token or the session cookie.
 */
export function documentErrorResponses(app: INestApplication, document: OpenAPIObject): OpenAPIObject {
  const traitsByOperationId = routeTraitsByOperationId(app);
  for (const [path, item] of Object.entries(document.paths) as [string, PathItemObject][]) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation?.operationId) continue;
      const traits = traitsByOperationId.get(operation.operationId);
      if (!traits) throw new Error(`OpenAPI operation ${operation.operationId} has no controller method`);
      operation.security = traits.visitorToken ? [{ visitor: [] }] : traits.isPublic ? [] : traits.integrationOnly ? [{ bearer: [] }] : [{ bearer: [] }, { cookie: [] }];
      if (traits.visitorToken) operation.parameters = operation.parameters?.filter((parameter) => (parameter as ParameterObject).in !== 'header' || (parameter as ParameterObject).name.toLowerCase() !== 'authorization');
      const responses = operation.responses as Record<string, ResponseObject>;
      const statuses = new Set([...commonErrorStatuses(path, operation, traits), ...Object.keys(responses).map(Number).filter((status) => status >= 400)]);
      for (const status of statuses) responses[status] = errorResponse(status, traits, responses[status]);
    }
  }
  return document;
}
