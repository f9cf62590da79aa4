import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a delivery. */
export const SIGNATURE_HEADER = 'X-SafeFlow-Signature';
export const TIMESTAMP_HEADER = 'X-SafeFlow-Timestamp';
export const NOTIFICATION_ID_HEADER = 'X-SafeFlow-Notification-Id';

/**
 * The signature of a delivery: `sha256=` and the hex HMAC-SHA256, keyed with the signing secret,
 * of `<timestamp>.<body>` — the timestamp (unix seconds, the X-SafeFlow-Timestamp header) is
 * signed too, so a captured delivery cannot be replayed later with a fresh timestamp.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface WebhookToVerify {
  secret: string;
  /** The X-SafeFlow-Timestamp header. */
  timestamp: string | undefined;
  /** The raw request body, exactly as received. */
  body: string;
  /** The X-SafeFlow-Signature header. */
  signature: string | undefined;
  /** The receiver's clock, ms since epoch. */
  now: number;
  /** Oldest (or furthest in the future) timestamp accepted; default 300 s. */
  toleranceSeconds?: number;
}

/** For receivers: whether a delivery is signed with `secret` and recent. Constant-time compare. */
export function verifyWebhookSignature(d: WebhookToVerify): boolean {
  if (!d.timestamp || !/^\d+$/.test(d.timestamp) || !d.signature) return false;
  const timestamp = Number(d.timestamp);
  if (Math.abs(d.now / 1000 - timestamp) > (d.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(d.secret, timestamp, d.body));
  const given = Buffer.from(d.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
