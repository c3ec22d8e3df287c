import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** Types of the API's own OpenAPI document (schema.d.ts is generated from docs/openapi.json by `npm run openapi`). */
export type Schemas = components['schemas'];
export type Ticket = Schemas['TicketSummaryDto'];
export type Message = Schemas['MessageDto'];
export type TicketState = Schemas['TicketStateDto'];

/** The API's one error shape, as a thrown value, so TanStack Query sees failures as errors. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const CSRF_COOKIE = 'inbox_csrf';
const CSRF_HEADER = 'X-CSRF-Token';

function readCookie(name: string): string | undefined {
  const pair = document.cookie.split('; ').find((entry) => entry.startsWith(`${name}=`));
  return pair ? decodeURIComponent(pair.slice(name.length + 1)) : undefined;
}

/** The session is a cookie; every write repeats the CSRF cookie in a header (the API's double-submit check). */
const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const token = readCookie(CSRF_COOKIE);
      if (token) request.headers.set(CSRF_HEADER, token);
    }
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(csrf);

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Unwraps an openapi-fetch result: the body on success, an ApiFailure otherwise. */
export async function unwrap<T>(call: Promise<Outcome<T>>): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = await call;
  } catch {
    throw new ApiFailure(0, 'network_error', 'The API cannot be reached. Check your connection; nothing was changed.');
  }
  const { data, error, response } = outcome;
  if (response.ok) return data as T;
  const body = (error ?? {}) as { error?: string; message?: string | string[]; field?: string };
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  throw new ApiFailure(response.status, body.error ?? `http_${response.status}`, message ?? response.statusText, body.field);
}

/** What to tell the agent about a failure, in words. */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiFailure) {
    if (error.status === 503) return `${error.message} Nothing was lost: try again in a moment.`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
