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
  /** pino level; `silent` in tests. */
  logLevel: string;
  /** How often the job worker polls for due jobs, ms; 0 or absent: no background loop. */
  jobPollMs?: number;
  /** How often due timers are looked for, ms; 0 or absent: only at start and when told (`tick`). */
  timerPollMs?: number;
  /** The clock (tests inject a controllable one); default the system clock. */
  clock?: Clock;
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
    logLevel: env.LOG_LEVEL ?? 'info',
    jobPollMs: Number(env.SAFEFLOW_JOB_POLL_MS ?? 1000),
    timerPollMs: Number(env.SAFEFLOW_TIMER_POLL_MS ?? 1000),
  };
}
