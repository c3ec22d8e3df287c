import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (e.g. Twilio auth tokens): AES-256-GCM under a keyring from SECRETS_KEYRING.
 *
 * SECRETS_KEYRING is `id1:base64key,id2:base64key,…`: each key id (letters, digits, `_`, `-`, at
 * most 32) names a 32-byte key in base64 or base64url. The first key seals every new value; all of
 * them open values. A sealed value is `v1:<keyId>:<iv>:<ciphertext+tag>` (base64url, fresh 12-byte
 * IV per value, 16-byte GCM tag checked on open), so a value names the key it needs and keys can be
 * rotated without downtime (add the new key last everywhere, then move it first, re-seal, then drop
 * the old one; see docs/operations.md). Errors never contain a value or a key, only key ids.
 */

export interface SecretKey {
  id: string;
  key: Buffer;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Parses SECRETS_KEYRING; the messages name key ids and positions, never key material. */
export function parseSecretsKeyring(raw: string): SecretKey[] {
  const entries = raw.split(',').map((entry) => entry.trim());
  const keys: SecretKey[] = [];
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    if (separator < 0) throw new SecretBoxError(`entry ${index + 1} must be <keyId>:<base64 32-byte key>`);
    const id = entry.slice(0, separator).trim();
    const encoded = entry.slice(separator + 1).trim();
    if (!KEY_ID.test(id)) throw new SecretBoxError(`entry ${index + 1}: the key id must be 1 to 32 letters, digits, "_" or "-"`);
    if (keys.some((key) => key.id === id)) throw new SecretBoxError(`key id "${id}" appears twice`);
    const key = BASE64.test(encoded) ? Buffer.from(encoded, encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64') : undefined;
    if (!key || key.length !== KEY_BYTES) throw new SecretBoxError(`key "${id}" must be ${KEY_BYTES} bytes in base64 (e.g. openssl rand -base64 32)`);
    keys.push({ id, key });
  });
  return keys;
}

export class SecretBox {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly current: SecretKey;

  constructor(keyring: readonly SecretKey[]) {
    if (keyring.length === 0) throw new SecretBoxError('the keyring is empty');
    for (const { id, key } of keyring) {
      if (!KEY_ID.test(id)) throw new SecretBoxError(`invalid key id "${id}"`);
      if (key.length !== KEY_BYTES) throw new SecretBoxError(`key "${id}" must be ${KEY_BYTES} bytes`);
    }
    this.current = keyring[0]!;
    this.keys = new Map(keyring.map(({ id, key }) => [id, key]));
  }

  /** The id of the key that seals new values (the keyring's first). */
  get currentKeyId(): string {
    return this.current.id;
  }

  /** Whether a stored value has the sealed form (it may still fail to open). */
  static isSealed(value: string): boolean {
    return value.startsWith(`${VERSION}:`);
  }

  /** The key id a sealed value names. */
  static keyIdOf(sealed: string): string {
    return parse(sealed).keyId;
  }

  /** Whether a sealed value was sealed with another key than the current one (re-seal it to rotate). */
  needsResealing(sealed: string): boolean {
    return SecretBox.keyIdOf(sealed) !== this.current.id;
  }

  /**
   * Seals a value with the current key. `context` (e.g. table, row and column) is authenticated but
   * not stored: the value opens only with the same context, so it cannot be moved to another row.
   */
  seal(plain: string, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.current.id, context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.current.id, iv.toString('base64url'), body.toString('base64url')].join(':');
  }

  /** Opens a sealed value; fails on an unknown key id, a malformed value or a failed authentication. */
  open(sealed: string, context = ''): string {
    const { keyId, iv, body } = parse(sealed);
    const key = this.keys.get(keyId);
    if (!key) throw new SecretBoxError(`the value was sealed with key id "${keyId}", which SECRETS_KEYRING does not hold`);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId, context));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(`a value sealed with key id "${keyId}" failed authentication (tampered, moved or a different key under that id)`);
    }
  }
}

/** The box of the configured keyring; without SECRETS_KEYRING it fails with a message saying so. */
export function secretBoxFrom(config: { secretsKeyring: readonly SecretKey[] | undefined }): SecretBox {
  if (!config.secretsKeyring) throw new SecretBoxError('SECRETS_KEYRING is not set: secrets cannot be sealed or opened');
  return new SecretBox(config.secretsKeyring);
}

function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`${VERSION}:${keyId}:${context}`, 'utf8');
}

function parse(sealed: string): { keyId: string; iv: Buffer; body: Buffer } {
  const parts = sealed.split(':');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretBoxError(`the value is not in the sealed form ${VERSION}:<keyId>:<iv>:<ciphertext>`);
  const [, keyId, iv, body] = parts as [string, string, string, string];
  if (!KEY_ID.test(keyId) || !BASE64URL.test(iv) || !BASE64URL.test(body)) throw new SecretBoxError('the sealed value is malformed');
  const ivBytes = Buffer.from(iv, 'base64url');
  const bodyBytes = Buffer.from(body, 'base64url');
  if (ivBytes.length !== IV_BYTES || bodyBytes.length < TAG_BYTES) throw new SecretBoxError(`the sealed value of key id "${keyId}" is malformed`);
  return { keyId, iv: ivBytes, body: bodyBytes };
}
