import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

/**
 * A local stand-in for Twilio, since Twilio itself cannot be reached from tests. It speaks the REST
 * API's wire format for what the product uses (Messages create and list: form-encoded requests, basic
 * auth with the account SID and auth token, Twilio's JSON resources and errors), records every message
 * it accepted, and plays Twilio's side of the webhooks: requests signed with X-Twilio-Signature exactly
 * as Twilio signs them (HMAC-SHA1 over the URL and the sorted parameters).
 */
export interface TwilioMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
  dateCreated: Date;
}

export interface TwilioStandIn {
  /** For TWILIO_API_BASE_URL. */
  apiBaseUrl: string;
  /** Every message Twilio accepted, in order. */
  readonly messages: TwilioMessage[];
  /** A Twilio account the stand-in accepts (basic auth). */
  newAccount(): { accountSid: string; authToken: string };
  /** The next message is accepted (and recorded) but the connection drops before the answer, as when the caller dies. */
  dropNextAnswer(onDropped?: () => void): void;
  /** While on, every new message is refused with 503, as during a Twilio outage (nothing is accepted). */
  setUnavailable(unavailable: boolean): void;
  /**
   * While set, every new message is refused with this Twilio error, accepting nothing; a 4xx (e.g. 400 / 21610,
   * "Attempt to send to unsubscribed recipient") is a refusal that retrying does not cure. null ends it.
   */
  refuseWith(error: { status: number; code: number; message: string } | null): void;
  /** Messages refused while unavailable or refusing. */
  readonly refusals: number;
  close(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');

function resource(message: TwilioMessage): Record<string, unknown> {
  return {
    sid: message.sid,
    account_sid: message.accountSid,
    to: message.to,
    from: message.from,
    body: message.body,
    status: 'queued',
    direction: 'outbound-api',
    api_version: '2010-04-01',
    date_created: rfc2822(message.dateCreated),
    date_updated: rfc2822(message.dateCreated),
    date_sent: null,
    num_segments: '1',
    num_media: '0',
    price: null,
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    messaging_service_sid: null,
    uri: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}.json`,
    subresource_uris: { media: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}/Media.json` },
  };
}

function twilioError(response: http.ServerResponse, status: number, code: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

export async function startTwilioStandIn(): Promise<TwilioStandIn> {
  const accounts = new Map<string, string>();
  const messages: TwilioMessage[] = [];
  const drops: (() => void)[] = [];
  let unavailable = false;
  let refusal: { status: number; code: number; message: string } | null = null;
  let refusals = 0;

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
      if (!match) return twilioError(response, 404, 20404, 'The requested resource was not found');
      const accountSid = match[1]!;
      const [user, password] = Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
      if (user !== accountSid || accounts.get(accountSid) !== password) return twilioError(response, 401, 20003, 'Authenticate');

      if (request.method === 'GET') {
        const to = url.searchParams.get('To');
        const from = url.searchParams.get('From');
        const pageSize = Number(url.searchParams.get('PageSize') ?? 50);
        const found = messages
          .filter((message) => message.accountSid === accountSid && (!to || message.to === to) && (!from || message.from === from))
          .reverse()
          .slice(0, pageSize);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            messages: found.map(resource),
            uri: `${url.pathname}${url.search}`,
            first_page_uri: `${url.pathname}${url.search}`,
            next_page_uri: null,
            previous_page_uri: null,
            page: 0,
            page_size: pageSize,
            start: 0,
            end: Math.max(0, found.length - 1),
          }),
        );
        return;
      }
      if (request.method !== 'POST') return twilioError(response, 405, 20004, 'Method not allowed');

      if (unavailable) {
        refusals++;
        return twilioError(response, 503, 20503, 'Service Unavailable');
      }
      if (refusal) {
        refusals++;
        return twilioError(response, refusal.status, refusal.code, refusal.message);
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (!form.get('To')) return twilioError(response, 400, 21604, "A 'To' phone number is required.");
      if (!form.get('From')) return twilioError(response, 400, 21603, "A 'From' phone number is required.");
      if (!form.get('Body')) return twilioError(response, 400, 21602, 'Message body is required.');
      const message: TwilioMessage = {
        sid: `SM${hex(16)}`,
        accountSid,
        to: form.get('To')!,
        from: form.get('From')!,
        body: form.get('Body')!,
        statusCallback: form.get('StatusCallback'),
        dateCreated: new Date(),
      };
      messages.push(message);
      const dropped = drops.shift();
      if (dropped) {
        request.socket.destroy();
        dropped();
        return;
      }
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify(resource(message)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiBaseUrl: `http://127.0.0.1:${port}`,
    messages,
    newAccount: () => {
      const credentials = { accountSid: `AC${hex(16)}`, authToken: hex(16) };
      accounts.set(credentials.accountSid, credentials.authToken);
      return credentials;
    },
    dropNextAnswer: (onDropped = () => undefined) => drops.push(onDropped),
    setUnavailable: (value) => {
      unavailable = value;
    },
    refuseWith: (error) => {
      refusal = error;
    },
    get refusals() {
      return refusals;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * Twilio calling one of our webhooks: signs `publicUrl` (what Twilio was configured with, e.g. behind
 * a proxy) and delivers the request to `deliverTo` (where the API actually listens), same path and query.
 */
export async function postTwilioWebhook(options: {
  publicUrl: string;
  deliverTo: string;
  authToken: string;
  params: Record<string, string>;
  /** Override: null sends no signature at all. */
  signature?: string | null;
}): Promise<{ status: number; text: string; contentType: string | null }> {
  const signature = options.signature === undefined ? twilio.getExpectedTwilioSignature(options.authToken, options.publicUrl, options.params) : options.signature;
  const target = new URL(options.publicUrl);
  const response = await fetch(`${options.deliverTo}${target.pathname}${target.search}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature !== null ? { 'x-twilio-signature': signature } : {}) },
    body: new URLSearchParams(options.params).toString(),
  });
  return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') };
}

/** The form parameters of Twilio's incoming-message webhook. */
export function incomingSmsParams(input: { accountSid: string; from: string; to: string; body: string; messageSid?: string; mediaUrls?: string[] }): Record<string, string> {
  const messageSid = input.messageSid ?? `SM${hex(16)}`;
  const media = input.mediaUrls ?? [];
  return {
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: messageSid,
    NumMedia: String(media.length),
    ...Object.fromEntries(media.flatMap((url, index) => [[`MediaUrl${index}`, url], [`MediaContentType${index}`, 'image/jpeg']])),
    ToCity: 'SAN FRANCISCO',
    FromZip: '94105',
    SmsSid: messageSid,
    FromState: 'CA',
    SmsStatus: 'received',
    FromCity: 'SAN FRANCISCO',
    Body: input.body,
    FromCountry: 'US',
    To: input.to,
    ToZip: '94105',
    NumSegments: '1',
    MessageSid: messageSid,
    AccountSid: input.accountSid,
    From: input.from,
    ApiVersion: '2010-04-01',
  };
}

/** The form parameters of a status callback Twilio posts to a message's StatusCallback. */
export function statusCallbackParams(message: { sid: string; accountSid: string; from: string; to: string }, status: string, errorCode?: string): Record<string, string> {
  return {
    SmsSid: message.sid,
    SmsStatus: status,
    MessageStatus: status,
    To: message.to,
    MessageSid: message.sid,
    AccountSid: message.accountSid,
    From: message.from,
    ApiVersion: '2010-04-01',
    ...(errorCode ? { ErrorCode: errorCode } : {}),
  };
}
