import { createHmac } from 'node:crypto';

/**
 * The signature of a DingTalk custom robot secured by signing (加签): base64 of
 * HMAC-SHA256(secret, `<timestamp>\n<secret>`), the timestamp in ms. DingTalk refuses a request
 * whose timestamp is more than an hour away from its own clock, so a captured URL goes stale.
 */
export function dingTalkSignature(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/**
 * The webhook URL with `timestamp` and `sign` added. URLSearchParams form-encodes the signature
 * (`+` → %2B, `/` → %2F, `=` → %3D), which is the URL encoding DingTalk expects.
 */
export function signedDingTalkUrl(webhookUrl: string, secret: string, timestampMs: number): string {
  const url = new URL(webhookUrl);
  url.searchParams.set('timestamp', String(timestampMs));
  url.searchParams.set('sign', dingTalkSignature(secret, timestampMs));
  return url.toString();
}
