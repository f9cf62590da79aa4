/** The webhook notifier's configuration (JSON Schema: `configSchema` in package.json). */
export interface WebhookNotifierConfig {
  /** Where every notification is POSTed (all of them; each must answer 2xx). */
  urls: string[];
  /** Secret: the HMAC-SHA256 key receivers verify the signature with. */
  signingSecret: string;
  /** Time limit of one delivery (all URLs); default 10 000 ms. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Why the configuration cannot work, or undefined. */
export function configProblem(config: Partial<WebhookNotifierConfig>): string | undefined {
  if (!Array.isArray(config.urls) || config.urls.length === 0) return 'no urls are configured';
  for (const [i, raw] of config.urls.entries()) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return `urls[${i}] is not an absolute URL`;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return `urls[${i}] is not an http(s) URL`;
  }
  if (typeof config.signingSecret !== 'string' || config.signingSecret.length === 0) {
    return 'signingSecret is not configured';
  }
  return undefined;
}
