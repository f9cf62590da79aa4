/**
 * `safeflow audit verify` as an operator runs it: a child process on the repository's CLI entry,
 * against a sqlite data dir and a PostgreSQL schema that the real service wrote (and, for sqlite,
 * also after the service stopped). Exit codes: 0 valid, 1 tampered, 2 usage or connection error.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type RuntimeApp } from '@safeflow/runtime-api';
import type { TestDatabase } from './api-suite.js';
import {
  client,
  deployXml,
  loginAdmin,
  serviceTaskFlow,
  startInstance,
  testConfig,
} from './http.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = 'runtime-api/src/cli/safeflow.ts';
const PG_URL = process.env.SAFEFLOW_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `safeflow …` in a clean environment (plus `env`); resolves when it exits. */
function safeflow(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', CLI, ...args],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          TSX_TSCONFIG_PATH: 'runtime-api/tsconfig.json',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function cliSuite(
  name: string,
  open: () => Promise<TestDatabase>,
  target: (db: TestDatabase) => string[],
): void {
  // Each CLI run is a fresh Node process (about a second): generous timeouts.
  describe(`safeflow audit verify on ${name}`, { timeout: 60_000 }, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp | undefined;
    let base = '';
    const call = client(() => base);
    const ids: string[] = [];

    function sql(text: string, params: unknown[]) {
      let i = 0;
      const ds = runtime!.dataSource;
      return ds.query(
        ds.options.type === 'postgres' ? text.replace(/\?/g, () => `$${++i}`) : text,
        params,
      );
    }

    beforeAll(async () => {
      db = await open();
      runtime = await createApp(testConfig(db));
      base = await runtime.listen(0);
      const admin = await loginAdmin(call);
      runtime.jobs.handlers.register('cli-check', async () => ({ checked: true }));
      await deployXml(call, admin, 'cli_flow', serviceTaskFlow('cli_flow', 'cli-check'));
      for (let i = 0; i < 3; i++) ids.push(await startInstance(call, admin, 'cli_flow'));
      await runtime.jobs.runDue();
    }, 60_000);

    afterAll(async () => {
      await runtime?.close();
      await db?.drop();
    });

    it('exits 0 on a clean database and prints what it checked', async () => {
      const r = await safeflow(['audit', 'verify', ...target(db)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^VALID: /);
      expect(r.stdout).toMatch(/3 instances, \d+ events, \d+ ledger entries checked/);
      expect(r.stdout).toMatch(/ledger head: \d+:[0-9a-f]{64}/);

      const json = await safeflow(['audit', 'verify', ...target(db), '--json']);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, instances: 3, problems: [] });

      const one = await safeflow(['audit', 'verify', ...target(db), '--process-instance', ids[0]!]);
      expect(one.code).toBe(0);
      expect(one.stdout).toContain(`VALID: process instance ${ids[0]}`);
    });

    it('catches a commit cut off whole only against a recorded ledger head', async () => {
      const clean = await safeflow(['audit', 'verify', ...target(db), '--json']);
      const head = JSON.parse(clean.stdout).ledgerHead as { seq: number; hash: string };
      const [entry] = await sql('SELECT * FROM audit_ledger WHERE seq = ?', [head.seq]);
      const id = entry.instance_id as string;
      const [previous] = await sql(
        'SELECT instance_seq FROM audit_ledger WHERE instance_id = ? AND seq < ? ORDER BY seq DESC',
        [id, head.seq],
      );
      const keep = Number(previous.instance_seq);
      const cut = await sql('SELECT * FROM instance_event WHERE instance_id = ? AND seq > ?', [
        id,
        keep,
      ]);
      const [row] = await sql('SELECT last_seq, head_hash FROM instance WHERE id = ?', [id]);
      const [kept] = await sql(
        'SELECT hash FROM instance_event WHERE instance_id = ? AND seq = ?',
        [id, keep],
      );
      // The newest commit removed everywhere: its events, the row's head, its ledger entry.
      await sql('DELETE FROM instance_event WHERE instance_id = ? AND seq > ?', [id, keep]);
      await sql('UPDATE instance SET last_seq = ?, head_hash = ? WHERE id = ?', [
        keep,
        kept.hash,
        id,
      ]);
      await sql('DELETE FROM audit_ledger WHERE seq = ?', [head.seq]);

      // What is left is consistent: only the head recorded elsewhere shows the cut.
      expect((await safeflow(['audit', 'verify', ...target(db)])).code).toBe(0);
      const r = await safeflow([
        'audit',
        'verify',
        ...target(db),
        '--ledger-head',
        `${head.seq}:${head.hash}`,
      ]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`ledger entry ${head.seq}`);
      expect(r.stdout).toContain('is gone');

      const insert = (table: string, rows: Array<Record<string, unknown>>) =>
        Promise.all(
          rows.map((x) =>
            sql(
              `INSERT INTO ${table} (${Object.keys(x).join(', ')}) VALUES (${Object.keys(x)
                .map(() => '?')
                .join(', ')})`,
              Object.values(x),
            ),
          ),
        );
      await insert('instance_event', cut);
      await insert('audit_ledger', [entry]);
      await sql('UPDATE instance SET last_seq = ?, head_hash = ? WHERE id = ?', [
        row.last_seq,
        row.head_hash,
        id,
      ]);
      const back = await safeflow([
        'audit',
        'verify',
        ...target(db),
        '--ledger-head',
        `${head.seq}:${head.hash}`,
      ]);
      expect(back.code).toBe(0);
      const usage = await safeflow(['audit', 'verify', ...target(db), '--ledger-head', 'seven']);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('SEQ:HASH');
    });

    it('exits 1 after tampering and names the instance and the event', async () => {
      const victim = ids[1]!;
      await sql('UPDATE instance_event SET actor = ? WHERE instance_id = ? AND seq = ?', [
        'mallory',
        victim,
        2,
      ]);
      const r = await safeflow(['audit', 'verify', ...target(db)]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^TAMPERED: /);
      expect(r.stdout).toContain(`process instance ${victim}, first broken event seq 2`);

      const json = await safeflow(['audit', 'verify', ...target(db), '--json']);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({
        valid: false,
        problems: [{ code: 'event-altered', processInstanceId: victim, firstBrokenSeq: 2 }],
      });
      const other = await safeflow([
        'audit',
        'verify',
        ...target(db),
        '--process-instance',
        ids[0]!,
      ]);
      expect(other.code).toBe(0);
    });

    it('reads the database after the service has stopped', async () => {
      await runtime!.close();
      runtime = undefined;
      const r = await safeflow(['audit', 'verify', ...target(db)]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(ids[1]!);
    });

    it('exits 2 for an unknown instance', async () => {
      const r = await safeflow(['audit', 'verify', ...target(db), '--process-instance', 'nope']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("no process instance 'nope'");
    });
  });
}

const sqlite = async (): Promise<TestDatabase> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'safeflow-cli-'));
  return {
    config: () => ({ dataDir }),
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
};

cliSuite('sqlite', sqlite, (db) => ['--data-dir', db.config().dataDir]);

describe('safeflow command line', { timeout: 60_000 }, () => {
  it('takes the data dir from SAFEFLOW_DATA_DIR like the service', async () => {
    const db = await sqlite();
    try {
      const runtime = await createApp(testConfig(db));
      await runtime.close();
      const r = await safeflow(['audit', 'verify'], { SAFEFLOW_DATA_DIR: db.config().dataDir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(join(db.config().dataDir, 'safeflow.sqlite'));
    } finally {
      await db.drop();
    }
  });

  it('exits 2 with a clear message for bad usage or a database it cannot open', async () => {
    const none = await safeflow([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('audit verify');
    const help = await safeflow(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('audit verify');
    expect((await safeflow(['audit', 'verify', '--help'])).stdout).toContain('--database-url');
    const unknown = await safeflow(['audit', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'audit frobnicate'");
    const flag = await safeflow(['audit', 'verify', '--colour']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--colour');
    const both = await safeflow([
      'audit',
      'verify',
      '--data-dir',
      '/tmp',
      '--database-url',
      PG_URL,
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
    const missing = join(tmpdir(), `safeflow-cli-missing-${randomBytes(4).toString('hex')}`);
    const noDb = await safeflow(['audit', 'verify', '--data-dir', missing]);
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toContain(`no SafeFlow database at ${join(missing, 'safeflow.sqlite')}`);
  });

  it('exits 2 for a bad --database-url, without printing its password', async () => {
    const r = await safeflow([
      'audit',
      'verify',
      '--database-url',
      'postgres://postgres:s3cret-pw@127.0.0.1:1/test',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'cannot open the database PostgreSQL postgres://postgres:***@127.0.0.1:1/test',
    );
    expect(r.stderr + r.stdout).not.toContain('s3cret-pw');
  });
});

async function reachable(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await c.end().catch(() => undefined);
  }
}

const problem = await reachable();
if (problem === undefined) {
  const postgres = async (): Promise<TestDatabase> => {
    const schema = `sf_cli_${randomBytes(6).toString('hex')}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'safeflow-cli-pg-'));
    return {
      config: () => ({ dataDir, databaseUrl: PG_URL, databaseSchema: schema }),
      drop: async () => {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  };
  cliSuite('PostgreSQL', postgres, (db) => [
    '--database-url',
    PG_URL,
    '--schema',
    db.config().databaseSchema!,
  ]);
  describe(
    'safeflow audit verify on a PostgreSQL schema without SafeFlow tables',
    { timeout: 60_000 },
    () => {
      it('exits 2 and says the schema is not a SafeFlow database', async () => {
        const r = await safeflow(['audit', 'verify', '--schema', 'sf_cli_no_such_schema'], {
          DATABASE_URL: PG_URL,
        });
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('is not a SafeFlow database with an audit ledger');
      });
    },
  );
} else if (process.env.CI === 'true') {
  describe('safeflow audit verify on PostgreSQL', () => {
    it('needs PostgreSQL in CI', () => {
      throw new Error(`PostgreSQL at ${PG_URL} is not reachable (${problem}); CI must run this`);
    });
  });
} else {
  console.warn(`\n!!!!!!!! SKIPPING safeflow audit verify on PostgreSQL: ${problem}\n`);
  describe.skip('safeflow audit verify on PostgreSQL (PostgreSQL not reachable)', () => {
    it('runs', () => undefined);
  });
}
