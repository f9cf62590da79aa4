/**
 * Crash recovery: the real server (`src/main.ts`) runs in a child process with 200 gas re-test
 * instances in flight — timers waiting, an external worker activating and completing jobs — and is
 * killed with SIGKILL in the middle of it, started again on the same database, and worked until
 * every instance has ended. Then each instance's event log must show every step exactly once (the
 * timer fired once, the job completed once, the instance completed once), contiguous seqs and a
 * valid hash chain. Runs on sqlite and on the machine's PostgreSQL.
 *
 * Nothing here sleeps to wait for work: the test waits on the worker's own progress and on instance
 * states read over the API, with an overall deadline.
 */
import { describe, expect, it } from 'vitest';
import {
  postgresDatabase,
  postgresProblem,
  POSTGRES_URL,
  sqliteDatabase,
  type CrashDatabase,
} from './crash/crash-databases.js';
import { ExternalWorker } from './crash/external-worker.js';
import {
  GAS_READING_JOB,
  GAS_RETEST_PROCESS,
  GAS_RETEST_XML,
  READING_TASK,
  SETTLE_TIMER,
} from './crash/gas-retest-flow.js';
import { ServerProcess, type ServerEnv } from './crash/server-process.js';
import { ADMIN_PASSWORD, client, deployXml, loginAdmin, type Reply } from './http.js';

const INSTANCES = 200;
/**
 * How long each instance's area settles: the first 120 all 2 s (a burst that keeps the worker and
 * the timer loop busy when the kill comes), the other 80 spread over 3 s … 15 s (due while the
 * service is down, fired by the restarted service's start-up tick, or after the restart).
 */
const settleFor = (i: number) => (i < 120 ? 'PT2S' : `PT${3 + (i % 13)}S`);
/** The kill comes at the first confirmed completion from the 40th on with at least 2 other worker
 * requests in flight. */
const KILL_AFTER = 40;
const IN_FLIGHT_AT_KILL = 2;
/** Both background loops of the child turn every 100 ms. */
const POLL_MS = 100;
const TEST_TIMEOUT_MS = 180_000;
/** Deadline for all 200 to end after the restart (timer leases held by the killed process run
 * out after 60 s, so instances whose timer it had claimed wait that long). */
const RECOVERY_MS = 120_000;
const READING = { o2: 20.9, lelPercent: 0, recordedBy: 'gas-analyser' };

type Call = (method: string, path: string, token?: string, body?: unknown) => Promise<Reply>;

/** Runs `fn` over `items`, `width` at a time. */
async function inBatches<T, R>(
  items: readonly T[],
  width: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i);
    }),
  );
  return out;
}

interface EventDto {
  seq: number;
  type: string;
  elementId: string | null;
}

/** What must hold for one instance after recovery; returns the problems found. */
async function checkInstance(call: Call, token: string, id: string): Promise<string[]> {
  const problems: string[] = [];
  const inst = await call('GET', `/api/process-instances/${id}`, token);
  if (inst.body?.state !== 'completed') problems.push(`${id}: state ${inst.body?.state}`);
  if (JSON.stringify(inst.body?.variables?.reading) !== JSON.stringify(READING))
    problems.push(`${id}: reading ${JSON.stringify(inst.body?.variables?.reading)}`);
  const events = (await call('GET', `/api/process-instances/${id}/events`, token))
    .body as EventDto[];
  const count = (type: string, elementId?: string) =>
    events.filter((e) => e.type === type && (elementId === undefined || e.elementId === elementId))
      .length;
  const once: Array<[string, string?]> = [
    ['instance.started'],
    ['instance.completed'],
    ['timer.scheduled', SETTLE_TIMER],
    ['timer.fired', SETTLE_TIMER],
    ['element.completed', SETTLE_TIMER],
    ['job.created', READING_TASK],
    ['job.completed', READING_TASK],
    ['element.completed', READING_TASK],
  ];
  for (const [type, elementId] of once) {
    const n = count(type, elementId);
    if (n !== 1) problems.push(`${id}: ${n} × ${type}${elementId ? ` on ${elementId}` : ''}`);
  }
  for (const type of ['incident.raised', 'job.failed']) {
    if (count(type) > 0) problems.push(`${id}: ${count(type)} × ${type}`);
  }
  const gaps = events.filter((e, i) => e.seq !== i + 1);
  if (gaps.length > 0) problems.push(`${id}: seqs not 1..${events.length}`);
  const verify = await call('GET', `/api/audit/verify?processInstanceId=${id}`, token);
  if (verify.body?.valid !== true || verify.body?.checked !== events.length)
    problems.push(`${id}: audit ${JSON.stringify(verify.body)}`);
  return problems;
}

/** Instances of `ids` that are not completed yet, read over the API. */
async function notCompleted(call: Call, token: string, ids: Iterable<string>): Promise<string[]> {
  const list = [...ids];
  const states = await inBatches(list, 8, async (id) => {
    const r = await call('GET', `/api/process-instances/${id}`, token);
    return r.body?.state as string | undefined;
  });
  return list.filter((_, i) => states[i] !== 'completed');
}

async function crashAndRecover(db: CrashDatabase): Promise<void> {
  const env: ServerEnv = {
    dataDir: db.dataDir,
    adminPassword: ADMIN_PASSWORD,
    jobPollMs: POLL_MS,
    timerPollMs: POLL_MS,
    ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}),
    ...(db.databaseSchema ? { databaseSchema: db.databaseSchema } : {}),
  };
  const worker = new ExternalWorker(GAS_READING_JOB, {
    loops: 4,
    maxJobs: 10,
    lockMs: 2_000,
    idlePollMs: 50,
    variables: { reading: READING },
  });
  const servers: ServerProcess[] = [];
  let base = '';
  const call = client(() => base);
  try {
    const first = await ServerProcess.start(env, 'first server');
    servers.push(first.server);
    base = first.base;
    const token = await loginAdmin(call);
    await deployXml(call, token, GAS_RETEST_PROCESS, GAS_RETEST_XML);

    const ids = await inBatches(
      Array.from({ length: INSTANCES }, (_, i) => i),
      8,
      async (i) => {
        const r = await call('POST', '/api/process-instances', token, {
          processKey: GAS_RETEST_PROCESS,
          variables: { settle: settleFor(i), area: `tank-farm-${i}` },
        });
        expect(r.status).toBe(201);
        return r.body.id as string;
      },
    );
    expect(new Set(ids).size).toBe(INSTANCES);

    // The worker runs; after its KILL_AFTER-th completion, at a moment when other loops' requests
    // are in flight, the server is SIGKILLed (its own timer loop is going too).
    let inFlightAtKill = -1;
    const killed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(first.server.failure(`never reached ${KILL_AFTER} completions`)),
        60_000,
      );
      worker.onCompleted = () => {
        if (inFlightAtKill >= 0 || worker.completed.size < KILL_AFTER) return;
        if (worker.inFlight < IN_FLIGHT_AT_KILL) return;
        inFlightAtKill = worker.inFlight;
        worker.detach();
        first.server.kill().then(() => {
          clearTimeout(timer);
          resolve();
        }, reject);
      };
    });
    worker.attach({ base, token });
    worker.start();
    await killed;
    const completedBeforeKill = worker.completed.size;

    const second = await ServerProcess.start(env, 'restarted server');
    servers.push(second.server);
    base = second.base;
    // Where the instances stand when the restarted service is up (its start-up tick has already
    // fired the timers that fell due while it was down).
    const pendingAtRestart = await notCompleted(call, token, ids);
    worker.attach({ base, token });

    const restartedAt = Date.now();
    const deadline = restartedAt + RECOVERY_MS;
    let pending = pendingAtRestart;
    let lastCheck = 0;
    while (pending.length > 0) {
      if (Date.now() >= deadline) {
        const sample = await inBatches(pending.slice(0, 5), 5, async (id) =>
          JSON.stringify((await call('GET', `/api/process-instances/${id}`, token)).body),
        );
        throw second.server.failure(
          `${pending.length} instances not completed ${RECOVERY_MS} ms after the restart, e.g.\n${sample.join('\n')}\n`,
        );
      }
      await worker.nextRound(deadline);
      // Re-read states at most every 250 ms: the worker's rounds come faster than that.
      if (Date.now() - lastCheck < 250) continue;
      lastCheck = Date.now();
      pending = await notCompleted(call, token, pending);
    }
    await worker.stop();
    const recoveryMs = Date.now() - restartedAt;

    console.info(
      `crash test (${db.databaseUrl ? 'PostgreSQL' : 'sqlite'}): killed after ${completedBeforeKill} completions ` +
        `with ${inFlightAtKill} worker requests in flight; ${pendingAtRestart.length} of ${INSTANCES} ` +
        `instances unfinished at restart; ${worker.networkErrors} requests lost in the crash, ` +
        `${worker.alreadyGone.size} completions found already done, ${worker.refused.size} refused (409), ` +
        `${[...worker.activations.values()].filter((n) => n > 1).length} jobs activated again; ` +
        `all completed ${(recoveryMs / 1000).toFixed(1)} s after the restart`,
    );
    expect(inFlightAtKill).toBeGreaterThanOrEqual(IN_FLIGHT_AT_KILL);
    expect(completedBeforeKill).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(pendingAtRestart.length).toBeGreaterThan(0);
    expect(worker.unexpected.join('\n')).toBe('');

    const problems = (await inBatches(ids, 8, (id) => checkInstance(call, token, id))).flat();
    expect(problems).toEqual([]);
  } finally {
    await worker.stop();
    for (const s of servers) await s.kill();
    await db.drop();
  }
}

const problem = await postgresProblem();

describe('crash recovery: the server is SIGKILLed mid-run and restarted', () => {
  it(
    'on sqlite, every one of 200 instances ends, each step exactly once',
    () => crashAndRecover(sqliteDatabase()),
    TEST_TIMEOUT_MS,
  );

  if (problem === undefined) {
    it(
      'on PostgreSQL, every one of 200 instances ends, each step exactly once',
      () => crashAndRecover(postgresDatabase()),
      TEST_TIMEOUT_MS,
    );
  } else if (process.env.CI === 'true') {
    it('on PostgreSQL (needed in CI)', () => {
      throw new Error(`PostgreSQL at ${POSTGRES_URL} is not reachable (${problem})`);
    });
  } else {
    console.warn(
      `\n\n!!!!!!!! SKIPPING the PostgreSQL crash test: ${POSTGRES_URL} is not reachable (${problem}).\n` +
        '!!!!!!!! Start PostgreSQL (see .ci/run) to run it. In CI (CI=true) this is a failure.\n\n',
    );
    it.skip('on PostgreSQL (PostgreSQL not reachable)', () => undefined);
  }
});
