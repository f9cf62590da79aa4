import { compileMapping, type TopicMapping, type TopicMappingSettings } from './topic-mapping.js';

/** TLS for `mqtts://` brokers. */
export interface MqttTlsSettings {
  /** PEM of the CA(s) that signed the broker's certificate (a plant's own CA); default the system's. */
  ca?: string;
  /** Refuse a broker whose certificate does not verify; default true. Off only for a lab. */
  rejectUnauthorized?: boolean;
  /** Name to verify the certificate against when the URL has an IP address. */
  servername?: string;
}

/** One connection's `settings` (JSON Schema: the manifest's `configSchema`). */
export interface MqttConnectionSettings {
  /** `mqtt://host:1883` or `mqtts://host:8883`; no credentials in it. */
  url: string;
  /**
   * Client id; default `sf-` + a hash of this machine's host name, the URL, the user and the
   * mappings — stable across restarts, so the broker keeps the session. Two clients with one id
   * take the connection from each other: give each SafeFlow instance its own.
   */
  clientId?: string;
  username?: string;
  /** Key of this connection's password in the plugin's secret `brokerPasswords`. */
  passwordRef?: string;
  tls?: MqttTlsSettings;
  /** Subscription QoS; default 1 (at least once: the broker keeps messages until they are acked). */
  qos?: 0 | 1 | 2;
  /**
   * Default true: the broker keeps the subscriptions and queues QoS ≥ 1 messages while the
   * connection is down, and delivers them after the reconnect (MQTT `clean: false`).
   */
  persistentSession?: boolean;
  /** MQTT 3.1.1 (4, default) or 5. */
  protocolVersion?: 4 | 5;
  /** MQTT 5: how long the broker keeps a persistent session while disconnected; default 1 day. */
  sessionExpirySeconds?: number;
  /** Seconds between pings; a broker silent for 1.5× this is taken as gone. Default 30. */
  keepaliveSeconds?: number;
  /** Time limit for the broker to accept a connection; default 10 000. */
  connectTimeoutMs?: number;
  /** First retry after a drop; doubled on each failed attempt. Default 1000. */
  reconnectPeriodMs?: number;
  /** Longest wait between attempts; default 30 000 (or reconnectPeriodMs when that is longer). */
  maxReconnectPeriodMs?: number;
  /** Larger payloads give a `bad` reading without being parsed; default 65 536. */
  maxPayloadBytes?: number;
  /** `source` of the readings; default `mqtt:<host>:<port>`. */
  source?: string;
  mappings: TopicMappingSettings[];
}

/** Settings checked, defaults filled in, mappings compiled, password looked up. */
export interface ResolvedSettings {
  url: string;
  protocol: 'mqtt' | 'mqtts';
  host: string;
  port: number;
  clientId?: string;
  username?: string;
  password?: string;
  tls: MqttTlsSettings;
  qos: 0 | 1 | 2;
  persistentSession: boolean;
  protocolVersion: 4 | 5;
  sessionExpirySeconds: number;
  keepaliveSeconds: number;
  connectTimeoutMs: number;
  reconnectPeriodMs: number;
  maxReconnectPeriodMs: number;
  maxPayloadBytes: number;
  source: string;
  mappings: TopicMapping[];
}

const SETTINGS_FIELDS = new Set([
  'url',
  'clientId',
  'username',
  'passwordRef',
  'tls',
  'qos',
  'persistentSession',
  'protocolVersion',
  'sessionExpirySeconds',
  'keepaliveSeconds',
  'connectTimeoutMs',
  'reconnectPeriodMs',
  'maxReconnectPeriodMs',
  'maxPayloadBytes',
  'source',
  'mappings',
]);
const TLS_FIELDS = new Set(['ca', 'rejectUnauthorized', 'servername']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks one connection's settings and fills in the defaults; throws naming the field, so the
 * runtime shows the connection `failed` with the reason. `passwords` is the plugin's secret
 * `brokerPasswords`. Error messages never contain a password.
 */
export function resolveSettings(
  raw: Record<string, unknown>,
  passwords: unknown,
): ResolvedSettings {
  for (const key of Object.keys(raw)) {
    if (key === 'password')
      throw new Error(
        "settings.password is not allowed: put the password in the plugin's secret " +
          '`brokerPasswords` and name its key in settings.passwordRef',
      );
    if (!SETTINGS_FIELDS.has(key)) throw new Error(`settings.${key} is not a setting`);
  }
  const text = (field: string): string | undefined => {
    const v = raw[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '')
      throw new Error(`settings.${field} must be a non-empty string`);
    return v;
  };
  const integer = (field: string, min: number, max: number, fallback: number): number => {
    const v = raw[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw new Error(`settings.${field} must be an integer from ${min} to ${max}`);
    return v;
  };
  const flag = (field: string, fallback: boolean): boolean => {
    const v = raw[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw new Error(`settings.${field} must be true or false`);
    return v;
  };

  const urlText = text('url');
  if (urlText === undefined) throw new Error('settings.url is required');
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw new Error('settings.url is not a URL (mqtt://host:1883 or mqtts://host:8883)');
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:')
    throw new Error('settings.url must start with mqtt:// or mqtts://');
  if (url.username !== '' || url.password !== '')
    throw new Error(
      'settings.url must not carry credentials: use settings.username and the secret brokerPasswords',
    );
  if (url.hostname === '') throw new Error('settings.url has no host');
  const protocol = url.protocol === 'mqtts:' ? 'mqtts' : 'mqtt';
  const port = url.port === '' ? (protocol === 'mqtts' ? 8883 : 1883) : Number(url.port);

  const clientId = text('clientId');
  if (clientId !== undefined && Buffer.byteLength(clientId, 'utf8') > 65_535)
    throw new Error('settings.clientId is too long');
  const username = text('username');
  const passwordRef = text('passwordRef');
  let password: string | undefined;
  if (passwordRef !== undefined) {
    const entry =
      isObject(passwords) && Object.hasOwn(passwords, passwordRef)
        ? passwords[passwordRef]
        : undefined;
    if (typeof entry !== 'string')
      throw new Error(
        `settings.passwordRef '${passwordRef}' names no password in the secret brokerPasswords`,
      );
    password = entry;
  }

  const tlsRaw = raw.tls ?? {};
  if (!isObject(tlsRaw)) throw new Error('settings.tls must be an object');
  for (const key of Object.keys(tlsRaw))
    if (!TLS_FIELDS.has(key)) throw new Error(`settings.tls.${key} is not a TLS setting`);
  const tls: MqttTlsSettings = {};
  for (const key of ['ca', 'servername'] as const) {
    const v = tlsRaw[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.trim() === '')
      throw new Error(`settings.tls.${key} must be a non-empty string`);
    tls[key] = v;
  }
  if (tlsRaw.rejectUnauthorized !== undefined) {
    if (typeof tlsRaw.rejectUnauthorized !== 'boolean')
      throw new Error('settings.tls.rejectUnauthorized must be true or false');
    tls.rejectUnauthorized = tlsRaw.rejectUnauthorized;
  }
  if (protocol === 'mqtt' && Object.keys(tls).length > 0)
    throw new Error('settings.tls is set but settings.url is mqtt:// (use mqtts:// for TLS)');

  const qos = raw.qos ?? 1;
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new Error('settings.qos must be 0, 1 or 2');
  const protocolVersion = raw.protocolVersion ?? 4;
  if (protocolVersion !== 4 && protocolVersion !== 5)
    throw new Error('settings.protocolVersion must be 4 (MQTT 3.1.1) or 5');

  const reconnectPeriodMs = integer('reconnectPeriodMs', 10, 3_600_000, 1_000);
  const maxReconnectPeriodMs = integer(
    'maxReconnectPeriodMs',
    10,
    3_600_000,
    Math.max(30_000, reconnectPeriodMs),
  );
  if (maxReconnectPeriodMs < reconnectPeriodMs)
    throw new Error('settings.maxReconnectPeriodMs must not be less than reconnectPeriodMs');

  if (!Array.isArray(raw.mappings) || raw.mappings.length === 0)
    throw new Error('settings.mappings must list at least one topic mapping');
  const mappings = raw.mappings.map((m: unknown, i) => {
    try {
      return compileMapping(m, i);
    } catch (e) {
      throw new Error(`settings.${(e as Error).message}`);
    }
  });

  const hostPort = `${url.hostname}:${port}`;
  return {
    url: `${protocol}://${hostPort}`,
    protocol,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    ...(clientId !== undefined ? { clientId } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    tls,
    qos,
    persistentSession: flag('persistentSession', true),
    protocolVersion,
    sessionExpirySeconds: integer('sessionExpirySeconds', 0, 0xffff_ffff, 86_400),
    keepaliveSeconds: integer('keepaliveSeconds', 1, 65_535, 30),
    connectTimeoutMs: integer('connectTimeoutMs', 100, 600_000, 10_000),
    reconnectPeriodMs,
    maxReconnectPeriodMs,
    maxPayloadBytes: integer('maxPayloadBytes', 1, 16 * 1024 * 1024, 65_536),
    source: text('source') ?? `mqtt:${hostPort}`,
    mappings,
  };
}
