import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { ShopifyThrottled } from '../../libs/shopify/errors.js';
import { calculatedLineItemId } from '../../libs/shopify/shopify-admin.js';
import { availableAfter, waitBeforeQuery } from '../../libs/shopify/throttle.js';
import { signShopifyWebhook, verifyShopifyWebhook } from '../../libs/shopify/webhook-signature.js';

describe('Shopify query-cost throttle', () => {
  const bucket = { maximumAvailable: 1000, currentlyAvailable: 40, restoreRate: 50 };

  it('needs no wait when the bucket holds the cost', () => {
    expect(waitBeforeQuery(bucket, 40)).toBe(0);
    expect(waitBeforeQuery(bucket, 1)).toBe(0);
  });

  it('waits for the missing points at the restore rate, rounded up to a whole millisecond', () => {
    // 60 missing points at 50 a second.
    expect(waitBeforeQuery(bucket, 100)).toBe(1200);
    // 1 missing point at 3 a second: 333.3… ms.
    expect(waitBeforeQuery({ maximumAvailable: 100, currentlyAvailable: 0, restoreRate: 3 }, 1)).toBe(334);
  });

  it('counts what the bucket regained since the status was reported', () => {
    expect(availableAfter(bucket, 500)).toBe(65);
    expect(waitBeforeQuery(bucket, 100, 500)).toBe(700);
    expect(waitBeforeQuery(bucket, 100, 1200)).toBe(0);
    // The bucket never holds more than its maximum, and a clock going backwards restores nothing.
    expect(availableAfter(bucket, 3_600_000)).toBe(1000);
    expect(availableAfter(bucket, -5000)).toBe(40);
  });

  it('refuses to promise a wait that could never end', () => {
    expect(() => waitBeforeQuery(bucket, 1001)).toThrow(RangeError);
    expect(() => waitBeforeQuery({ ...bucket, restoreRate: 0 }, 100)).toThrow(RangeError);
  });

  it('gives ShopifyThrottled its retryAfterMs from the throttle status and the requested cost', () => {
    expect(new ShopifyThrottled(bucket, 100).retryAfterMs).toBe(1200);
    // Throttled although the bucket looked full (it was drained in between): still a short, positive wait.
    expect(new ShopifyThrottled({ ...bucket, currentlyAvailable: 1000 }, 100).retryAfterMs).toBe(1);
    // Without a status (e.g. an HTTP 429 without Retry-After), Shopify's usual second.
    expect(new ShopifyThrottled(null, null).retryAfterMs).toBe(1000);
    expect(new ShopifyThrottled(null, null, 2000).retryAfterMs).toBe(2000);
  });
});

describe('Shopify webhook signature', () => {
  const secret = 'hush-this-is-the-app-secret';
  const body = Buffer.from('{"id":820982911946154508,"email":"jon@example.com","line_items":[{"quantity":1}]}');
  // Computed here independently of the code under test.
  const expected = createHmac('sha256', secret).update(body).digest('base64');

  it('signs as Shopify does: base64 HMAC-SHA256 of the raw body', () => {
    expect(signShopifyWebhook(body, secret)).toBe(expected);
    expect(createHmac('sha256', 'key').update('The quick brown fox jumps over the lazy dog').digest('base64')).toBe('97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=');
    expect(signShopifyWebhook(Buffer.from('The quick brown fox jumps over the lazy dog'), 'key')).toBe('97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=');
  });

  it('accepts the right signature', () => {
    expect(verifyShopifyWebhook(body, expected, secret)).toBe(true);
  });

  it('refuses a tampered body, a wrong secret, a missing or malformed header', () => {
    const tampered = Buffer.from(body.toString().replace('"quantity":1', '"quantity":9'));
    expect(verifyShopifyWebhook(tampered, expected, secret)).toBe(false);
    expect(verifyShopifyWebhook(body, expected, 'another-secret')).toBe(false);
    expect(verifyShopifyWebhook(body, undefined, secret)).toBe(false);
    expect(verifyShopifyWebhook(body, '', secret)).toBe(false);
    // Wrong lengths are a mismatch, not a crash of timingSafeEqual.
    expect(verifyShopifyWebhook(body, expected.slice(0, 20), secret)).toBe(false);
    expect(verifyShopifyWebhook(body, `${expected}AAAA`, secret)).toBe(false);
    // The hex digest of the right HMAC is not Shopify's encoding.
    expect(verifyShopifyWebhook(body, createHmac('sha256', secret).update(body).digest('hex'), secret)).toBe(false);
    // An empty secret would make every attacker's HMAC "valid" with the same empty key.
    expect(verifyShopifyWebhook(body, signShopifyWebhook(body, ''), '')).toBe(false);
  });
});

describe('Shopify order-edit line ids', () => {
  it("maps an order's LineItem to the CalculatedLineItem of the same number, as Shopify numbers them", () => {
    expect(calculatedLineItemId('gid://shopify/LineItem/866550311766439020')).toBe('gid://shopify/CalculatedLineItem/866550311766439020');
    expect(calculatedLineItemId('gid://shopify/CalculatedLineItem/42')).toBe('gid://shopify/CalculatedLineItem/42');
    expect(() => calculatedLineItemId('gid://shopify/Order/42')).toThrow(TypeError);
    expect(() => calculatedLineItemId('42')).toThrow(TypeError);
  });
});
