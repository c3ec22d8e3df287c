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

export function createTwilioClient(credentials: TwilioCredentials, apiBaseUrl: string | undefined): twilio.Twilio {
  const base = apiBaseUrl ?? TWILIO_API_BASE_URL;
  const httpClient = base === TWILIO_API_BASE_URL ? undefined : new RebasedRequestClient(base, { timeout: REQUEST_TIMEOUT_MS });
  return twilio(credentials.accountSid, credentials.authToken, { timeout: REQUEST_TIMEOUT_MS, ...(httpClient ? { httpClient } : {}) });
}
