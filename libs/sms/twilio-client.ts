import twilio from 'twilio';

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
}

type RequestOptions<TData> = Parameters<twilio.RequestClient['request']>[0] & { data?: TData };

/** Twilio's REST API; TWILIO_API_BASE_URL replaces it (tests point it at a local stand-in). */
export const TWILIO_API_BASE_URL = 'https://api.twilio.com';

/**
 * The SDK builds absolute URLs on api.twilio.com (its `edge`/`region` options only change that host's
 * name); this request client, passed through the SDK's `httpClient` option, moves each request to
 * another base URL with the same path and query.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    options: ConstructorParameters<typeof twilio.RequestClient>[0],
  ) {
    super(options);
  }

  override request<TData>(options: RequestOptions<TData>) {
    const original = new URL(options.uri);
    const rebased = new URL(`${original.pathname}${original.search}`, this.baseUrl);
    return super.request<TData>({ ...options, uri: rebased.href });
  }
}

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A failed request's error without its request: the HTTP client's errors (e.g. axios' ECONNRESET)
 * carry the request config, whose `Authorization` header is the account SID and auth token in
 * base64, and loggers serialise it. Twilio's own RestException (status, code, message) is kept.
 */
export function withoutCredentials(error: unknown): unknown {
  if (error instanceof twilio.RestException || !(error instanceof Error)) return error;
  const clean = new Error(`Twilio request failed: ${error.message}`);
  clean.name = error.name;
  clean.stack = `${error.name}: ${clean.message}\n${error.stack?.split('\n').slice(1).join('\n') ?? ''}`;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(clean, { code });
  return clean;
}

export function createTwilioClient(credentials: TwilioCredentials, apiBaseUrl: string | undefined): twilio.Twilio {
  const base = apiBaseUrl ?? TWILIO_API_BASE_URL;
  const httpClient = base === TWILIO_API_BASE_URL ? undefined : new RebasedRequestClient(base, { timeout: REQUEST_TIMEOUT_MS });
  return twilio(credentials.accountSid, credentials.authToken, { timeout: REQUEST_TIMEOUT_MS, ...(httpClient ? { httpClient } : {}) });
}
