/**
 * The databases the crash test runs its child servers on: sqlite in a temp folder, and the machine's
 * PostgreSQL on a fresh schema (dropped after), as api.postgres.test.ts does.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The machine's PostgreSQL (trust auth); override with SAFEFLOW_TEST_DATABASE_URL. */
export const POSTGRES_URL =
  process.env.SAFEFLOW_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface CrashDatabase {
  dataDir: string;
  databaseUrl?: string;
  databaseSchema?: string;
  drop(): Promise<void>;
}

export function sqliteDatabase(): CrashDatabase {
  const dataDir = mkdtempSync(join(tmpdir(), 'safeflow-crash-'));
  return { dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

export function postgresDatabase(): CrashDatabase {
  const schema = `sf_crash_${randomBytes(6).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'safeflow-crash-pg-'));
  return {
    dataDir,
    databaseUrl: POSTGRES_URL,
    databaseSchema: schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Undefined when PostgreSQL answers; otherwise why not. */
export async function postgresProblem(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await client.end().catch(() => undefined);
  }
}
