import { resolve } from 'node:path';
import type { Clock } from './common/clock.js';

/** Everything the service reads from its environment, resolved once at start. */
export interface RuntimeConfig {
  /** Folder for the sqlite file and the generated JWT secret. */
  dataDir: string;
  port: number;
  /** PostgreSQL connection string; when absent the service runs on sqlite. */
  databaseUrl?: string;
  /** PostgreSQL schema to use (created if missing); default `public`. */
  databaseSchema?: string;
  jwtSecret?: string;
  /** Password of the `admin` user created on first start; generated and printed once if absent. */
  adminPassword?: string;
  /** Lifetime of access tokens, seconds. */
  tokenTtlSeconds: number;
  /** Largest accepted JSON body. */
  bodyLimit: string;
  /**
   * Express's `trust proxy`: which proxies' X-Forwarded-For to believe for the client address (the
   * login rate limit counts failures per address). Absent: none — behind a reverse proxy every
   * client would otherwise share the proxy's address. E.g. `loopback`, `1`, `10.0.0.0/8`.
   */
  trustProxy?: string;
  /** pino level; `silent` in tests. */
  logLevel: string;
  /** How often the job worker polls for due jobs, ms; 0 or absent: no background loop. */
  jobPollMs?: number;
  /** How often due timers are looked for, ms; 0 or absent: only at start and when told (`tick`). */
  timerPollMs?: number;
  /** The clock (tests inject a controllable one); default the system clock. */
  clock?: Clock;
  /** Largest task attachment (hazard photo, PDF), bytes; default 10 MiB. 413 above it. */
  attachmentMaxBytes?: number;
  /** Failed sign-ins of one username in the window before it gets 429; default 5, 0: no limit. */
  loginMaxFailuresPerUser?: number;
  /** Failed sign-ins from one client address in the window before 429; default 20, 0: no limit. */
  loginMaxFailuresPerIp?: number;
  /** The failed sign-in window, seconds; default 900 (15 minutes), 0: no limit. */
  loginFailureWindowSeconds?: number;
  /** Plugin packages to load by name (node resolution, then `<pluginsDir>/node_modules`). */
  plugins?: string[];
  /** Sub-folders with a `"safeflow"` manifest are loaded as plugins; default `<dataDir>/plugins`. */
  pluginsDir?: string;
  /** Time limit of one plugin job attempt, fact fetch or notification, ms; default 30000. */
  pluginTimeoutMs?: number;
  /** Time limit of a plugin's init / start / stop / health hook, ms; default 10000. */
  pluginHookTimeoutMs?: number;
  /** Heap limit of each plugin's worker thread, MB; default 256. */
  pluginMaxHeapMb?: number;
  /** Key for plugin secrets at rest; otherwise `<dataDir>/secrets-key` (generated, mode 600). */
  secretsKey?: string;
  /** Where log lines go instead of stdout (tests capture them). */
  logDestination?: { write(line: string): void };
}

function positiveInteger(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`${name}: not a positive integer: '${value}'`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT: invalid port '${env.PORT}'`);
  return {
    dataDir: resolve(env.SAFEFLOW_DATA_DIR ?? './data'),
    port,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.SAFEFLOW_DB_SCHEMA ? { databaseSchema: env.SAFEFLOW_DB_SCHEMA } : {}),
    ...(env.SAFEFLOW_JWT_SECRET ? { jwtSecret: env.SAFEFLOW_JWT_SECRET } : {}),
    ...(env.SAFEFLOW_ADMIN_PASSWORD ? { adminPassword: env.SAFEFLOW_ADMIN_PASSWORD } : {}),
    tokenTtlSeconds: Number(env.SAFEFLOW_TOKEN_TTL_SECONDS ?? 8 * 3600),
    bodyLimit: env.SAFEFLOW_BODY_LIMIT ?? '5mb',
    ...(env.SAFEFLOW_TRUST_PROXY ? { trustProxy: env.SAFEFLOW_TRUST_PROXY } : {}),
    logLevel: env.LOG_LEVEL ?? 'info',
    jobPollMs: Number(env.SAFEFLOW_JOB_POLL_MS ?? 1000),
    timerPollMs: Number(env.SAFEFLOW_TIMER_POLL_MS ?? 1000),
    ...(env.SAFEFLOW_ATTACHMENT_MAX_BYTES
      ? {
          attachmentMaxBytes: positiveInteger(
            env.SAFEFLOW_ATTACHMENT_MAX_BYTES,
            'SAFEFLOW_ATTACHMENT_MAX_BYTES',
          ),
        }
      : {}),
    ...wholeNumber(env, 'SAFEFLOW_LOGIN_MAX_FAILURES_PER_USER', 'loginMaxFailuresPerUser'),
    ...wholeNumber(env, 'SAFEFLOW_LOGIN_MAX_FAILURES_PER_IP', 'loginMaxFailuresPerIp'),
    ...wholeNumber(env, 'SAFEFLOW_LOGIN_WINDOW_SECONDS', 'loginFailureWindowSeconds'),
    ...(env.SAFEFLOW_PLUGINS
      ? {
          plugins: env.SAFEFLOW_PLUGINS.split(',')
            .map((name) => name.trim())
            .filter((name) => name !== ''),
        }
      : {}),
    ...(env.SAFEFLOW_PLUGINS_DIR ? { pluginsDir: resolve(env.SAFEFLOW_PLUGINS_DIR) } : {}),
    ...(env.SAFEFLOW_PLUGIN_TIMEOUT_MS
      ? {
          pluginTimeoutMs: positiveInteger(
            env.SAFEFLOW_PLUGIN_TIMEOUT_MS,
            'SAFEFLOW_PLUGIN_TIMEOUT_MS',
          ),
        }
      : {}),
    ...(env.SAFEFLOW_PLUGIN_HOOK_TIMEOUT_MS
      ? {
          pluginHookTimeoutMs: positiveInteger(
            env.SAFEFLOW_PLUGIN_HOOK_TIMEOUT_MS,
            'SAFEFLOW_PLUGIN_HOOK_TIMEOUT_MS',
          ),
        }
      : {}),
    ...(env.SAFEFLOW_PLUGIN_MAX_HEAP_MB
      ? {
          pluginMaxHeapMb: positiveInteger(
            env.SAFEFLOW_PLUGIN_MAX_HEAP_MB,
            'SAFEFLOW_PLUGIN_MAX_HEAP_MB',
          ),
        }
      : {}),
    ...(env.SAFEFLOW_SECRETS_KEY ? { secretsKey: env.SAFEFLOW_SECRETS_KEY } : {}),
  };
}

/** `{[field]: n}` when the variable is set to a whole number ≥ 0, `{}` when unset; throws otherwise. */
function wholeNumber<K extends keyof RuntimeConfig>(
  env: NodeJS.ProcessEnv,
  name: string,
  field: K,
): Partial<Pick<RuntimeConfig, K>> {
  const raw = env[name];
  if (raw === undefined || raw === '') return {};
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name}: expected a whole number, got '${raw}'`);
  return { [field]: n } as Partial<Pick<RuntimeConfig, K>>;
}
