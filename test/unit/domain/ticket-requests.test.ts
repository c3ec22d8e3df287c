import { describe, expect, it } from '@jest/globals';
import { expiredRequestRefusal } from '../../../libs/domain/ticket.js';

describe('expiredRequestRefusal', () => {
  const expiresAt = '2026-01-01T10:00:00.000Z';

  it('accepts a request without an expiry', () => {
    expect(expiredRequestRefusal(undefined, '2030-01-01T00:00:00.000Z')).toBeNull();
  });

  it('accepts a request up to and including its expiry', () => {
    expect(expiredRequestRefusal(expiresAt, '2026-01-01T09:59:59.000Z')).toBeNull();
    expect(expiredRequestRefusal(expiresAt, expiresAt)).toBeNull();
  });

  it('refuses a request delivered after its sender stopped waiting', () => {
    expect(expiredRequestRefusal(expiresAt, '2026-01-01T10:00:00.001Z')).toBe('the request expired before a worker could apply it');
  });
});
