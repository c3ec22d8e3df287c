import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../libs/config/config.js';
import { parseSecretsKeyring, SecretBox, SecretBoxError } from '../../libs/secrets/secret-box.js';

const key = (id: string) => ({ id, key: randomBytes(32) });
const TOKEN = 'b3f1c0ffee00112233445566778899aa';

function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('SecretBox (AES-256-GCM)', () => {
  it('round-trips a value in the v1:<keyId>:<iv>:<ciphertext+tag> form, without the plain text in it', () => {
    const box = new SecretBox([key('k1')]);
    const sealed = box.seal(TOKEN, 'ctx');
    expect(sealed).toMatch(/^v1:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(TOKEN);
    expect(Buffer.from(sealed.split(':')[2]!, 'base64url')).toHaveLength(12);
    expect(SecretBox.isSealed(sealed)).toBe(true);
    expect(SecretBox.isSealed(TOKEN)).toBe(false);
    expect(box.open(sealed, 'ctx')).toBe(TOKEN);
    expect(box.open(box.seal(''), '')).toBe('');
  });

  it('uses a fresh IV for every value', () => {
    const box = new SecretBox([key('k1')]);
    const sealed = Array.from({ length: 50 }, () => box.seal(TOKEN));
    expect(new Set(sealed.map((value) => value.split(':')[2])).size).toBe(50);
    expect(new Set(sealed).size).toBe(50);
  });

  it('detects tampering with the ciphertext, the tag, the IV, the key id or the context', () => {
    const ring = [key('k1'), key('k2')];
    const box = new SecretBox(ring);
    const sealed = box.seal(TOKEN, 'sms_channels:acc-1');
    const [version, keyId, iv, body] = sealed.split(':') as [string, string, string, string];
    const flip = (encoded: string, index: number) => {
      const bytes = Buffer.from(encoded, 'base64url');
      bytes[index] = bytes[index]! ^ 1;
      return bytes.toString('base64url');
    };
    const bodyLength = Buffer.from(body, 'base64url').length;
    for (const tampered of [
      [version, keyId, iv, flip(body, 0)].join(':'),
      [version, keyId, iv, flip(body, bodyLength - 1)].join(':'),
      [version, keyId, flip(iv, 0), body].join(':'),
      [version, 'k2', iv, body].join(':'),
    ]) {
      const error = errorOf(() => box.open(tampered, 'sms_channels:acc-1'));
      expect(error).toBeInstanceOf(SecretBoxError);
      expect(error.message).toMatch(/failed authentication/);
      expect(error.message).not.toContain(body);
    }
    expect(() => box.open(sealed, 'sms_channels:acc-2')).toThrow(/failed authentication/);
    expect(() => box.open(`${version}:${keyId}:${iv}`)).toThrow(/not in the sealed form/);
    expect(() => box.open(TOKEN)).toThrow(SecretBoxError);
  });

  it('rotates: the newest key seals, older keys still open, re-sealing moves a value to the newest key', () => {
    const old = key('2024');
    const before = new SecretBox([old]);
    const sealedBefore = before.seal(TOKEN, 'ctx');
    const next = key('2025');
    const after = new SecretBox([next, old]);
    expect(after.currentKeyId).toBe('2025');
    expect(after.open(sealedBefore, 'ctx')).toBe(TOKEN);
    expect(after.needsResealing(sealedBefore)).toBe(true);
    const resealed = after.seal(after.open(sealedBefore, 'ctx'), 'ctx');
    expect(SecretBox.keyIdOf(resealed)).toBe('2025');
    expect(after.needsResealing(resealed)).toBe(false);
    // Step 1 of a rotation: processes that hold the new key last still seal with the old one and open both.
    const during = new SecretBox([old, next]);
    expect(during.currentKeyId).toBe('2024');
    expect(during.open(resealed, 'ctx')).toBe(TOKEN);
    expect(during.open(sealedBefore, 'ctx')).toBe(TOKEN);
  });

  it('refuses a value sealed with an unknown key id, naming the key id and not the value', () => {
    const sealed = new SecretBox([key('retired')]).seal(TOKEN);
    const error = errorOf(() => new SecretBox([key('current')]).open(sealed));
    expect(error).toBeInstanceOf(SecretBoxError);
    expect(error.message).toBe('the value was sealed with key id "retired", which SECRETS_KEYRING does not hold');
    expect(error.message).not.toContain(sealed.split(':')[3]!);
  });
});

describe('SECRETS_KEYRING', () => {
  const base64 = randomBytes(32).toString('base64');
  const base64url = randomBytes(32).toString('base64url');

  it('parses id:base64key pairs, the first being the current key', () => {
    const ring = parseSecretsKeyring(`new:${base64}, old:${base64url}`);
    expect(ring.map((entry) => entry.id)).toEqual(['new', 'old']);
    expect(ring[0]!.key.equals(Buffer.from(base64, 'base64'))).toBe(true);
    expect(ring[1]!.key.equals(Buffer.from(base64url, 'base64url'))).toBe(true);
    expect(new SecretBox(parseSecretsKeyring(`local:${randomBytes(32).toString('base64')}`)).currentKeyId).toBe('local');
    expect(loadConfig({ SECRETS_KEYRING: `k1:${base64}` }).secretsKeyring?.[0]?.id).toBe('k1');
    expect(loadConfig({}).secretsKeyring).toBeUndefined();
  });

  it.each([
    ['no-colon', /entry 1 must be <keyId>:<base64 32-byte key>/],
    [`k1:${randomBytes(16).toString('base64')}`, /key "k1" must be 32 bytes/],
    [`k1:not base64!`, /key "k1" must be 32 bytes/],
    [`bad id:${randomBytes(32).toString('base64')}`, /key id must be/],
    [`k1:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`, /key id "k1" appears twice/],
  ])('stops the start with one line naming SECRETS_KEYRING and no key material (%#)', (value, message) => {
    const error = errorOf(() => loadConfig({ SECRETS_KEYRING: value }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('SECRETS_KEYRING');
    expect(error.message).toMatch(/^Invalid configuration: SECRETS_KEYRING /);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
    for (const part of value.split(/[,:]/).filter((piece) => piece.length > 8)) {
      expect(error.message).not.toContain(part);
    }
  });
});
