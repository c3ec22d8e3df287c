import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shopify signs each webhook with the app's client secret: X-Shopify-Hmac-Sha256 is the base64 HMAC-SHA256
 * of the raw request body. The body must be the exact bytes received; re-serialised JSON would not match.
 */
export function signShopifyWebhook(rawBody: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

export function verifyShopifyWebhook(rawBody: Buffer, hmacHeader: string | undefined, secret: string): boolean {
  if (!hmacHeader || !secret) return false;
  // The base64 text is compared, not its decoding: Node's decoder ignores junk after the padding, and a
  // signature is either exactly Shopify's or wrong.
  const expected = Buffer.from(signShopifyWebhook(rawBody, secret), 'utf8');
  const received = Buffer.from(hmacHeader.trim(), 'utf8');
  // timingSafeEqual throws on a length mismatch; a wrong length is simply a wrong signature.
  if (received.length !== expected.length) return false;
  return timingSafeEqual(received, expected);
}
