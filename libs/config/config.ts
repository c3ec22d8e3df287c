import path from 'node:path';
import { parseSecretsKeyring, type SecretKey } from '../secrets/secret-box.js';
import { parseRateLimit, RATE_LIMIT_DEFAULTS, RATE_LIMIT_NAMES, type RateLimit, type RateLimitName } from './rate-limits.js';

/** Everything the product reads from the environment, validated once at start. */
export interface AppConfig {
  port: number;
  publicUrl: string;
  logLevel: LogLevel;
  dataDir: string;
  /** The agent console's build (`npm run build`), served at `/`. */
  consoleDir: string;
  database: {
    /** When absent the product starts its own embedded PostgreSQL under dataDir. */
    url: string | undefined;
    embeddedPort: number;
  };
  temporal: {
    /** When absent the product starts an embedded Temporal dev server under dataDir. */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    cliPath: string | undefined;
    embeddedPort: number;
    embeddedUiPort: number;
    tls: { certPath: string; keyPath: string } | undefined;
    apiKey: string | undefined;
  };
  /** Key of the HMAC that turns phone numbers and addresses into workflow ids (ids are stored in plain text). */
  ticketIdSecret: string | undefined;
  /** Key of the HMAC that signs web-chat visitor tokens; chat API routes answer 503 without it. */
  chatTokenSecret: string | undefined;
  /** SECRETS_KEYRING: keys sealing secrets at rest (Twilio auth tokens); the first seals, all open. */
  secretsKeyring: SecretKey[] | undefined;
  mail: {
    /** smtp:// or smtps:// relay for all outbound mail; absent: mail is caught in the local mailbox. */
    smtpUrl: string | undefined;
    /** Sender of product mail that has no account-specific address. */
    defaultFrom: string;
  };
  /** The SMTP listener that receives support mail forwarded to the product (run by the API process). */
  smtpIngress: {
    /** Port to listen on; absent: no listener (`npm start` defaults it to 2525). */
    port: number | undefined;
    host: string;
    /** Largest message accepted; larger ones are refused with 552. */
    maxMessageBytes: number;
    /** PEM certificate and key for STARTTLS; without them the listener speaks plain SMTP only. */
    tls: { certPath: string; keyPath: string } | undefined;
  };
  sms: {
    /** Base URL of Twilio's REST API; only changed to point the client at a stand-in (tests). */
    twilioApiBaseUrl: string | undefined;
  };
  shopify: {
    /** Base URL of Shopify's Admin API instead of each shop's own domain; only changed to point the client at a stand-in (tests). */
    apiBaseUrl: string | undefined;
  };
  migrateOnStart: boolean;
  /** How long the API waits for a worker to answer an update before replying 503. */
  workflowUpdateTimeoutMs: number;
  /** History length at which a ticket workflow continues as new even if the server has not suggested it. */
  ticketHistoryEventLimit: number;
  /** Limits of the public and costly endpoints (libs/config/rate-limits.ts). */
  rateLimits: Record<RateLimitName, RateLimit>;
  /**
   * TRUST_PROXY: which proxies in front of the API may name the client's address in X-Forwarded-For (Express's
   * "trust proxy": a hop count, or addresses/subnets); false: the client is the peer of the TCP connection.
   */
  trustProxy: number | string | false;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function readString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function readPort(env: Env, name: string, fallback: number): number {
  return readInteger(env, name, fallback, 1, 65535);
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = readString(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function readUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL (got "${raw}")`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
  }
  return raw;
}

function readRateLimits(env: Env): Record<RateLimitName, RateLimit> {
  const limits = {} as Record<RateLimitName, RateLimit>;
  for (const name of RATE_LIMIT_NAMES) {
    const { variable, limit, windowSeconds } = RATE_LIMIT_DEFAULTS[name];
    const raw = readString(env, variable);
    const parsed = raw === undefined ? { limit, windowSeconds } : parseRateLimit(raw);
    if (!parsed) throw new ConfigError(variable, `must be <count>/<seconds> with both at least 1, e.g. ${limit}/${windowSeconds} (got "${raw}")`);
    limits[name] = parsed;
  }
  return limits;
}

function readTrustProxy(env: Env): number | string | false {
  const raw = readString(env, 'TRUST_PROXY');
  if (raw === undefined || ['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (!/^[A-Za-z0-9.:/_, ]+$/.test(raw)) throw new ConfigError('TRUST_PROXY', `must be a hop count or a comma-separated list of addresses, subnets or loopback/linklocal/uniquelocal (got "${raw}")`);
  return raw;
}

function readHostPort(env: Env, name: string): string | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  if (!/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(raw)) {
    throw new ConfigError(name, `must be host:port (got "${raw}")`);
  }
  return raw;
}

/** `id:base64key,…`; the error names key ids only, never echoes the value (it is key material). */
function readSecretsKeyring(env: Env): SecretKey[] | undefined {
  const raw = readString(env, 'SECRETS_KEYRING');
  if (raw === undefined) return undefined;
  try {
    return parseSecretsKeyring(raw);
  } catch (error) {
    throw new ConfigError('SECRETS_KEYRING', `must be <keyId>:<base64 32-byte key>[,…]: ${(error as Error).message}`);
  }
}

export function loadConfig(env: Env = process.env): AppConfig {
  const logLevel = (readString(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  const port = readPort(env, 'PORT', 3000);
  const certPath = readString(env, 'TEMPORAL_TLS_CERT_PATH');
  const keyPath = readString(env, 'TEMPORAL_TLS_KEY_PATH');
  if (Boolean(certPath) !== Boolean(keyPath)) {
    throw new ConfigError(certPath ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH', 'must be set together with its pair');
  }
  const smtpCertPath = readString(env, 'SMTP_INGRESS_TLS_CERT_PATH');
  const smtpKeyPath = readString(env, 'SMTP_INGRESS_TLS_KEY_PATH');
  if (Boolean(smtpCertPath) !== Boolean(smtpKeyPath)) {
    throw new ConfigError(smtpCertPath ? 'SMTP_INGRESS_TLS_KEY_PATH' : 'SMTP_INGRESS_TLS_CERT_PATH', 'must be set together with its pair');
  }
  const ticketIdSecret = readString(env, 'TICKET_ID_SECRET');
  if (ticketIdSecret !== undefined && ticketIdSecret.length < 16) {
    throw new ConfigError('TICKET_ID_SECRET', 'must be at least 16 characters');
  }
  const chatTokenSecret = readString(env, 'CHAT_TOKEN_SECRET');
  if (chatTokenSecret !== undefined && chatTokenSecret.length < 16) {
    throw new ConfigError('CHAT_TOKEN_SECRET', 'must be at least 16 characters');
  }
  const secretsKeyring = readSecretsKeyring(env);
  return {
    port,
    publicUrl: readUrl(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`,
    logLevel: logLevel as LogLevel,
    dataDir: path.resolve(readString(env, 'DATA_DIR') ?? '.data'),
    consoleDir: path.resolve(readString(env, 'CONSOLE_DIR') ?? 'dist/console'),
    database: {
      url: readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
      embeddedPort: readPort(env, 'EMBEDDED_POSTGRES_PORT', 54329),
    },
    temporal: {
      address: readHostPort(env, 'TEMPORAL_ADDRESS'),
      namespace: readString(env, 'TEMPORAL_NAMESPACE') ?? 'default',
      taskQueue: readString(env, 'TEMPORAL_TASK_QUEUE') ?? 'tickets',
      cliPath: readString(env, 'TEMPORAL_CLI_PATH'),
      embeddedPort: readPort(env, 'EMBEDDED_TEMPORAL_PORT', 7233),
      embeddedUiPort: readPort(env, 'EMBEDDED_TEMPORAL_UI_PORT', 8233),
      tls: certPath && keyPath ? { certPath, keyPath } : undefined,
      apiKey: readString(env, 'TEMPORAL_API_KEY'),
    },
    ticketIdSecret,
    chatTokenSecret,
    secretsKeyring,
    mail: {
      smtpUrl: readUrl(env, 'SMTP_URL', ['smtp:', 'smtps:']),
      defaultFrom: readString(env, 'MAIL_FROM') ?? 'Support inbox <no-reply@localhost>',
    },
    smtpIngress: {
      port: readString(env, 'SMTP_INGRESS_PORT') === undefined ? undefined : readPort(env, 'SMTP_INGRESS_PORT', 2525),
      host: readString(env, 'SMTP_INGRESS_HOST') ?? '0.0.0.0',
      maxMessageBytes: readInteger(env, 'SMTP_INGRESS_MAX_MESSAGE_BYTES', 25 * 1024 * 1024, 1024, 100 * 1024 * 1024),
      tls: smtpCertPath && smtpKeyPath ? { certPath: smtpCertPath, keyPath: smtpKeyPath } : undefined,
    },
    sms: { twilioApiBaseUrl: readUrl(env, 'TWILIO_API_BASE_URL', ['http:', 'https:']) },
    shopify: { apiBaseUrl: readUrl(env, 'SHOPIFY_API_BASE_URL', ['http:', 'https:']) },
    migrateOnStart: readBoolean(env, 'MIGRATE_ON_START', true),
    workflowUpdateTimeoutMs: readInteger(env, 'WORKFLOW_UPDATE_TIMEOUT_MS', 10000, 100, 600000),
    ticketHistoryEventLimit: readInteger(env, 'TICKET_HISTORY_EVENT_LIMIT', 10000, 50, 50000),
    rateLimits: readRateLimits(env),
    trustProxy: readTrustProxy(env),
  };
}
