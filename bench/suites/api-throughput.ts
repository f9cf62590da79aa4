/**
 * Suite `api`: the runtime service under HTTP load (autocannon), on sqlite and on PostgreSQL.
 *  - flows/s: connections each loop start → list the task → complete it;
 *  - latency of `POST /api/tasks/:id/complete` over tasks created beforehand;
 *  - latency of `POST /api/process-instances`.
 * No peer server runs offline, so the reference is the same flow on the bare in-memory engine in
 * the same run; the ratio printed is what the service costs over the engine alone.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { formatCount, formatRate, formatRatio } from '../lib/format.js';
import { describeMachine, machineInfo } from '../lib/machine.js';
import { numberFlag, parseFlags, type BenchSuite } from '../lib/suite.js';
import { APPROVAL_PROCESS, APPROVAL_XML } from './api/approval-flow.js';
import { measureEngineReference, type EngineReference } from './api/engine-reference.js';
import {
  measureCompletions,
  measureFlows,
  measureStarts,
  taskIdsOf,
  type CompletionsResult,
  type FlowsResult,
  type LatencySummary,
  type StartsResult,
  type Target,
} from './api/http-load.js';
import { startRuntimeThread, type ThreadConfig } from './api/runtime-thread.js';

type DatabaseKey = 'sqlite' | 'postgres';

const POSTGRES_URL =
  process.env.SAFEFLOW_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ADMIN_PASSWORD = 'bench-admin-password';

interface BenchDatabase {
  label: string;
  config: Pick<ThreadConfig, 'dataDir' | 'databaseUrl' | 'databaseSchema'>;
  drop(): Promise<void>;
}

function sqliteDatabase(): BenchDatabase {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'safeflow-bench-api-'));
  return {
    label: 'sqlite',
    config: { dataDir },
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** A fresh schema on the machine's PostgreSQL, dropped after; undefined (with the reason) if unreachable. */
async function postgresDatabase(): Promise<BenchDatabase | string> {
  const probe = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
    await probe.query('SELECT 1');
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await probe.end().catch(() => undefined);
  }
  const schema = `sf_bench_${randomBytes(6).toString('hex')}`;
  const dataDir = mkdtempSync(join(os.tmpdir(), 'safeflow-bench-api-pg-'));
  return {
    label: 'PostgreSQL',
    config: { dataDir, databaseUrl: POSTGRES_URL, databaseSchema: schema },
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

async function http(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, text: await res.text() };
}

/** Runs `fn` over `items`, `width` at a time (set-up and checks, not measured). */
async function inBatches<T, R>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
    }),
  );
  return out;
}

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const describeLatency = (l: LatencySummary, of = 'requests') =>
  `p50 ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms, mean ${ms(l.mean)} ms, max ${ms(l.max)} ms (${formatCount(l.count)} ${of})`;

interface DatabaseResult {
  label: string;
  flows: FlowsResult;
  starts: StartsResult;
  completions: CompletionsResult;
}

async function benchDatabase(
  db: BenchDatabase,
  connections: number,
  warmUpSeconds: number,
  seconds: number,
): Promise<DatabaseResult> {
  const thread = await startRuntimeThread({
    ...db.config,
    port: 0,
    tokenTtlSeconds: 3600,
    bodyLimit: '1mb',
    logLevel: 'silent',
    jwtSecret: 'bench-jwt-secret',
    adminPassword: ADMIN_PASSWORD,
    // The service's defaults: both background loops on, once a second.
    jobPollMs: 1000,
    timerPollMs: 1000,
  });
  try {
    const { base } = thread;
    const login = await http(base, 'POST', '/api/auth/login', undefined, {
      username: 'admin',
      password: ADMIN_PASSWORD,
    });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
    const token = (JSON.parse(login.text) as { accessToken: string }).accessToken;
    const deployed = await http(base, 'POST', '/api/deployments', token, {
      name: APPROVAL_PROCESS,
      resources: [{ name: `${APPROVAL_PROCESS}.bpmn`, content: APPROVAL_XML }],
    });
    if (deployed.status !== 201) throw new Error(`deploy: ${deployed.status} ${deployed.text}`);
    const target: Target = { base, token, connections };

    const warm = await measureFlows(target, warmUpSeconds);
    console.log(`  ${db.label} warm-up: ${formatCount(warm.flows)} flows`);

    const flows = await measureFlows(target, seconds);
    console.log(
      `  ${db.label} flows: ${formatRate(flows.perSecond)} flows/s — ${formatCount(flows.flows)} start → list task → complete ` +
        `in ${flows.seconds} s over ${connections} connections (${formatCount(flows.requests)} requests, ` +
        `${flows.unfinished} flows cut off by the end); per flow (start sent → completion answered) ${describeLatency(flows.flowMs, 'flows')}`,
    );

    const starts = await measureStarts(target, seconds);
    console.log(
      `  ${db.label} POST /api/process-instances: ${describeLatency(starts.latency)}; ${formatRate(starts.perSecond)} starts/s`,
    );

    // Completions run on the tasks of the instances just started (not measured: finding them).
    const taskIds = (
      await inBatches(starts.instanceIds, 8, async (id) => {
        const r = await http(
          base,
          'GET',
          `/api/tasks?processInstanceId=${encodeURIComponent(id)}`,
          token,
        );
        if (r.status !== 200) throw new Error(`tasks of ${id}: ${r.status} ${r.text}`);
        return taskIdsOf(r.text);
      })
    ).flat();
    if (taskIds.length !== starts.instanceIds.length)
      throw new Error(
        `${starts.instanceIds.length} instances started but ${taskIds.length} open tasks`,
      );
    const amount = taskIds.length - connections;
    const completions = await measureCompletions(target, taskIds, amount);
    console.log(
      `  ${db.label} POST /api/tasks/:id/complete: ${describeLatency(completions.latency)}; ${formatRate(completions.perSecond)} completions/s`,
    );

    // Checked over the API: exactly the completed tasks' instances have ended.
    const states = await inBatches(starts.instanceIds, 8, async (id) => {
      const r = await http(base, 'GET', `/api/process-instances/${encodeURIComponent(id)}`, token);
      return (JSON.parse(r.text) as { state?: string }).state;
    });
    const ended = states.filter((s) => s === 'completed').length;
    if (ended !== amount)
      throw new Error(`${amount} tasks completed but ${ended} instances completed`);
    return { label: db.label, flows, starts, completions };
  } finally {
    await thread.close();
  }
}

const suite: BenchSuite = {
  async run(args) {
    const flags = parseFlags(args);
    const seconds = Math.round(numberFlag(flags, 'seconds', 5));
    const warmUpSeconds = Math.round(numberFlag(flags, 'warmup-seconds', 2));
    const connections = Math.round(numberFlag(flags, 'connections', 10));
    const only = flags.get('only');
    if (only !== undefined && only !== 'sqlite' && only !== 'postgres') {
      throw new Error(`--only must be sqlite or postgres (got "${only}")`);
    }
    const databases: DatabaseKey[] = only ? [only] : ['sqlite', 'postgres'];

    console.log(
      `== api: runtime service under HTTP load vs the bare engine (${new Date().toISOString()})`,
    );
    console.log(describeMachine(machineInfo()));
    console.log(
      `load average before: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (other work on the machine shows here)`,
    );
    console.log(
      `flow: start → user task → end (${APPROVAL_PROCESS}); service: createApp in a worker thread of this process, ` +
        `autocannon ${connections} connections on the main thread; ${warmUpSeconds} s warm-up, ${seconds} s per measurement`,
    );

    const engine: EngineReference = await measureEngineReference(
      warmUpSeconds * 1000,
      seconds * 1000,
    );
    console.log(
      `  bare engine (this thread, one flow after another): ${formatRate(engine.flows.perSecond)} flows/s ` +
        `(${formatCount(engine.flows.count)} flows); start ${engine.startMicros.toFixed(1)} µs, completeTask ${engine.completeMicros.toFixed(1)} µs`,
    );

    const results: DatabaseResult[] = [];
    for (const key of databases) {
      const db = key === 'sqlite' ? sqliteDatabase() : await postgresDatabase();
      if (typeof db === 'string') {
        console.warn(
          `\n!!!!!!!! SKIPPING PostgreSQL: ${POSTGRES_URL} is not reachable (${db}).\n` +
            '!!!!!!!! Start PostgreSQL (see .ci/run) to measure it.\n',
        );
        continue;
      }
      try {
        results.push(await benchDatabase(db, connections, warmUpSeconds, seconds));
      } finally {
        await db.drop();
      }
    }

    console.log(
      `load average after: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    for (const r of results) {
      const ratio = engine.flows.perSecond / r.flows.perSecond;
      console.log(
        `api (${r.label}): ${formatRate(r.flows.perSecond)} flows/s vs bare engine ${formatRate(engine.flows.perSecond)} flows/s ` +
          `= service costs ${formatRatio(ratio)}x; complete p50 ${ms(r.completions.latency.p50)} ms p99 ${ms(r.completions.latency.p99)} ms; ` +
          `start p50 ${ms(r.starts.latency.p50)} ms p99 ${ms(r.starts.latency.p99)} ms`,
      );
    }
  },
};

export default suite;
