import type { Notification, Notifier, PluginContext } from '@safeflow/plugin-sdk';
import { configProblem, DEFAULT_TIMEOUT_MS, type WebhookNotifierConfig } from './webhook-config.js';
import {
  NOTIFICATION_ID_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
} from './webhook-signature.js';

/** A URL as it may appear in messages: its origin only (paths of chat webhooks hold tokens). */
function origin(url: string): string {
  return new URL(url).origin;
}

/** POSTs one signed body to one URL; resolves with a problem, or undefined when it answered 2xx. */
async function deliver(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<string | undefined> {
  try {
    // Redirects are not followed: the signature is for this receiver, not wherever it points.
    const res = await fetch(url, { method: 'POST', body, headers, signal, redirect: 'manual' });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300
      ? undefined
      : `${origin(url)} answered ${res.status}`;
  } catch (e) {
    // fetch reports the socket's error (ECONNREFUSED, ENOTFOUND…) as its cause.
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const reason = signal.aborted
      ? 'timed out'
      : (cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e)));
    return `${origin(url)} failed: ${reason}`;
  }
}

/**
 * `webhook`: POSTs the notification as JSON to every configured URL, signed (see
 * webhook-signature.ts). Any URL that does not answer 2xx in time makes `send` throw, so the
 * runtime retries the delivery — to every URL again; receivers de-duplicate by the notification id
 * (also sent as `Idempotency-Key`).
 */
export const webhookNotifier: Notifier<WebhookNotifierConfig> = {
  description: 'POSTs notifications as signed JSON to webhook URLs',
  async send(notification: Notification, ctx: PluginContext<WebhookNotifierConfig>) {
    const config = ctx.config;
    const problem = configProblem(config);
    if (problem) throw new Error(`webhook notifier is not configured: ${problem}`);
    const body = JSON.stringify(notification);
    const timestamp = Math.floor(ctx.now() / 1000);
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': 'SafeFlow-Webhook/1',
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signWebhook(config.signingSecret, timestamp, body),
      [NOTIFICATION_ID_HEADER]: notification.id,
      'Idempotency-Key': notification.id,
    };
    const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
    const problems = (
      await Promise.all(config.urls.map((url) => deliver(url, body, headers, signal)))
    ).filter((p): p is string => p !== undefined);
    const targets = config.urls.map(origin);
    if (problems.length > 0) {
      ctx.logger.warn('webhook delivery failed', { notificationId: notification.id, problems });
      throw new Error(`webhook delivery of ${notification.id} failed: ${problems.join('; ')}`);
    }
    ctx.logger.info('webhook delivered', { notificationId: notification.id, targets });
  },
};
