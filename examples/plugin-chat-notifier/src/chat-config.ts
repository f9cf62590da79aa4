import type { Notification } from '@safeflow/plugin-sdk';

export type ChatFlavour = 'dingtalk' | 'wecom';
export type Severity = Notification['severity'];

/** A named place the wind is asked for (crane yard, tank farm). */
export interface Site {
  latitude: number;
  longitude: number;
}

/** The plugin's configuration (JSON Schema: `configSchema` in package.json). */
export interface ChatNotifierConfig {
  /** Which group robot the messages go to. */
  flavour: ChatFlavour;
  /** Secret: the robot's webhook URL — its query holds the robot's token. */
  webhookUrl: string;
  /** Secret, DingTalk only: the signing secret of a robot secured by signing (加签). */
  signingSecret?: string;
  /** Severities whose messages mention people; default `['critical']`. */
  mentionOn?: Severity[];
  /** Mention everyone on the `mentionOn` severities; default true. */
  mentionAll?: boolean;
  /** Mobile numbers to mention on the `mentionOn` severities. */
  mentionMobiles?: string[];
  /** Put before the title, per severity; defaults in DEFAULT_SEVERITY_PREFIX. */
  severityPrefix?: Partial<Record<Severity, string>>;
  /** Time limit of one robot post or one weather query; default 10 000 ms. */
  timeoutMs?: number;
  /** Open-Meteo forecast endpoint (or one answering its shape). */
  weatherApiUrl?: string;
  /** Secret: key of a commercial Open-Meteo plan (`apikey` parameter). */
  weatherApiKey?: string;
  /** Named places a flow can ask the wind at. */
  sites?: Record<string, Site>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_WEATHER_API_URL = 'https://api.open-meteo.com/v1/forecast';
export const DEFAULT_MENTION_ON: readonly Severity[] = ['critical'];

/** Bracketed the way Chinese notices mark urgency; readable next to English titles. */
export const DEFAULT_SEVERITY_PREFIX: Record<Severity, string> = {
  info: '【提示】',
  warning: '【警告】',
  critical: '【紧急】',
};

/** The query parameter that carries each robot's token: a URL without it cannot be right. */
const TOKEN_PARAMETER: Record<ChatFlavour, string> = {
  dingtalk: 'access_token',
  wecom: 'key',
};

function httpUrlProblem(raw: unknown, field: string): string | undefined {
  if (typeof raw !== 'string') return `${field} is not configured`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${field} is not an absolute URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `${field} is not an http(s) URL`;
  return undefined;
}

/**
 * Why the configuration cannot work, or undefined. The runtime has checked the schema already;
 * this catches what a schema does not say (a WeCom robot given a signing secret, a webhook URL
 * copied without its token), so the plugin is shown down at once instead of failing every send.
 * Messages never quote the URL: it is a secret.
 */
export function configProblem(config: Partial<ChatNotifierConfig>): string | undefined {
  const flavour = config.flavour;
  if (flavour !== 'dingtalk' && flavour !== 'wecom') return 'flavour must be "dingtalk" or "wecom"';
  if (flavour === 'wecom' && config.signingSecret !== undefined)
    return 'signingSecret applies to DingTalk robots only (WeCom group robots are not signed)';
  const urlProblem = httpUrlProblem(config.webhookUrl, 'webhookUrl');
  if (urlProblem) return urlProblem;
  const token = TOKEN_PARAMETER[flavour];
  if (!new URL(config.webhookUrl!).searchParams.get(token))
    return `webhookUrl has no ${token} parameter: copy the whole webhook URL of the ${flavour} robot`;
  if (config.weatherApiUrl !== undefined)
    return httpUrlProblem(config.weatherApiUrl, 'weatherApiUrl');
  return undefined;
}

/** The robot's origin, for messages and logs (its path and query hold the token). */
export function robotOrigin(config: ChatNotifierConfig): string {
  return new URL(config.webhookUrl).origin;
}
