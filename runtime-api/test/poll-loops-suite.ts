/**
 * The background loops, once per database: the job worker and the timer scheduler running on their
 * own (config `jobPollMs` / `timerPollMs`), never called by the test. The other suites call
 * `runtime.jobs.runDue()` and `runtime.timers.tick()` directly; here only the intervals drive them.
 *
 * The clock is injected: due-ness and back-off pass by moving it. The test waits on conditions,
 * re-checked after every turn of the loop that should make them true (each turn is observed by
 * wrapping the method the loop's interval calls), with a timeout — never by sleeping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, ManualClock, type RuntimeApp } from '@safeflow/runtime-api';
import { JobEntity } from '../src/persistence/entities.js';
import type { TestDatabase } from './api-suite.js';
import {
  client,
  deployXml,
  getInstance,
  loginAdmin,
  serviceTaskFlow,
  startInstance,
  testConfig,
  timerCatchFlow,
} from './http.js';

/** How often both loops turn in this suite. */
const POLL_MS = 20;
/** Longest wait for one condition (a loop turn every 20 ms: hundreds of turns). */
const WAIT_MS = 15_000;

/**
 * Turns of one background loop, seen by wrapping the method its interval calls (`jobs.runDue`,
 * `timers.tick`; the interval looks the method up on the instance at every turn). A turn counts when
 * the promise it returned has settled.
 */
class LoopTurns {
  count = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    target: object,
    method: 'runDue' | 'tick',
  ) {
    const host = target as Record<string, () => Promise<number>>;
    const original = host[method];
    if (typeof original !== 'function') throw new Error(`${name}: no method ${method}`);
    const turned = () => {
      this.count++;
      for (const wake of [...this.waiters]) wake();
    };
    host[method] = () => {
      const pass = original.call(target);
      void pass.then(turned, turned);
      return pass;
    };
  }

  /** Resolves after the next turn has settled, or at `deadline` (ms since epoch, real time). */
  private next(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timeout);
        this.waiters.delete(done);
        resolve();
      };
      const timeout = setTimeout(done, Math.max(0, deadline - Date.now()));
      this.waiters.add(done);
    });
  }

  /** Re-checks `probe` after every turn until it returns something truthy; fails after `timeoutMs`. */
  async until<T>(
    what: string,
    probe: () => Promise<T | false | undefined | null> | T | false | undefined | null,
    timeoutMs = WAIT_MS,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    const startCount = this.count;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() >= deadline)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what} (${this.count - startCount} ${this.name} turns)`,
        );
      await this.next(deadline);
    }
  }

  /** Waits until the loop has turned `n` more times (how a test lets the loop prove it did nothing). */
  async turns(n: number, timeoutMs = WAIT_MS): Promise<void> {
    const target = this.count + n;
    await this.until(`${n} turns of the ${this.name}`, () => this.count >= target, timeoutMs);
  }
}

export function pollLoopsSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`background job and timer loops on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let jobLoop: LoopTurns;
    let timerLoop: LoopTurns;
    let base = '';
    let admin = '';
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0));
    const call = client(() => base);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);

    const instance = (id: string) => getInstance(call, admin, id);
    const jobRow = async (instanceId: string) =>
      (await runtime.dataSource.getRepository(JobEntity).findBy({ instanceId }))[0];
    const eventTypes = async (id: string): Promise<string[]> =>
      (await call('GET', `/api/process-instances/${id}/events`, admin)).body.map(
        (e: { type: string }) => e.type,
      );

    beforeAll(async () => {
      process.on('unhandledRejection', onRejection);
      db = await open();
      runtime = await createApp(
        testConfig(db, { clock, jobPollMs: POLL_MS, timerPollMs: POLL_MS }),
      );
      jobLoop = new LoopTurns('job worker', runtime.jobs, 'runDue');
      timerLoop = new LoopTurns('timer scheduler', runtime.timers, 'tick');
      base = await runtime.listen(0);
      admin = await loginAdmin(call);
    }, 60_000);

    afterAll(async () => {
      await runtime?.close();
      await db?.drop();
      process.off('unhandledRejection', onRejection);
    });

    it('the worker loop runs a service task job by itself', async () => {
      await deployXml(call, admin, 'loop_ok', serviceTaskFlow('loop_ok', 'loop.ok'));
      const seen: string[] = [];
      runtime.jobs.handlers.register('loop.ok', (ctx) => {
        seen.push(ctx.job.key);
        return { doubled: (ctx.job.variables.n as number) * 2 };
      });
      const id = await startInstance(call, admin, 'loop_ok', { n: 21 });
      const after = await jobLoop.until('the job to be done by the worker loop', async () => {
        const view = await instance(id);
        return view.activeElementIds[0] === 'check' && view;
      });
      expect(after.variables.doubled).toBe(42);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.startsWith(`${id}.`)).toBe(true);
      expect(await jobRow(id)).toBeUndefined();
      const types = await eventTypes(id);
      expect(types.filter((t) => t === 'job.completed')).toHaveLength(1);
      // More turns: the done job is not run again.
      await jobLoop.turns(3);
      expect(seen).toHaveLength(1);
    });

    it('the scheduler loop fires a timer once the clock has reached it, not before', async () => {
      await deployXml(call, admin, 'loop_timer', timerCatchFlow('loop_timer'));
      const id = await startInstance(call, admin, 'loop_timer');
      expect((await instance(id)).activeElementIds).toEqual(['wait']);
      // The loop keeps turning, but the clock has not moved: nothing is due.
      await timerLoop.turns(3);
      expect((await instance(id)).activeElementIds).toEqual(['wait']);
      clock.advance(10 * 60_000 - 1);
      await timerLoop.turns(3);
      expect((await instance(id)).activeElementIds).toEqual(['wait']);
      clock.advance(1);
      await timerLoop.until('the timer to fire through the loop', async () => {
        const view = await instance(id);
        return view.activeElementIds[0] === 'after';
      });
      const types = await eventTypes(id);
      expect(types.filter((t) => t === 'timer.fired')).toHaveLength(1);
      await timerLoop.turns(3);
      expect((await eventTypes(id)).filter((t) => t === 'timer.fired')).toHaveLength(1);
      expect(
        (await call('GET', `/api/audit/verify?processInstanceId=${id}`, admin)).body.valid,
      ).toBe(true);
    });

    it('a failing handler is retried by the loop after each back-off, then raises an incident', async () => {
      await deployXml(call, admin, 'loop_flaky', serviceTaskFlow('loop_flaky', 'loop.flaky', 3));
      const attempts: Array<{ key: string; at: number; retries: number }> = [];
      runtime.jobs.handlers.register('loop.flaky', (ctx) => {
        attempts.push({ key: ctx.idempotencyKey, at: clock.now(), retries: ctx.retries });
        throw new Error('gas detector offline');
      });
      const id = await startInstance(call, admin, 'loop_flaky');
      const failedOnce = await jobLoop.until('the first failed attempt', async () => {
        const row = await jobRow(id);
        return row?.attempts === 1 && row;
      });
      // back-off before attempt 2: 1 s from the failure
      expect(failedOnce).toEqual(
        expect.objectContaining({
          retries: 2,
          notBefore: clock.now() + 1_000,
          errorMessage: 'gas detector offline',
        }),
      );
      await jobLoop.turns(3);
      expect(attempts).toHaveLength(1); // the back-off holds while the clock stands still

      clock.advance(999);
      await jobLoop.turns(3);
      expect(attempts).toHaveLength(1);
      clock.advance(1);
      const failedTwice = await jobLoop.until('the second failed attempt', async () => {
        const row = await jobRow(id);
        return row?.attempts === 2 && row;
      });
      // back-off before attempt 3: 2 s
      expect(failedTwice).toEqual(
        expect.objectContaining({ retries: 1, notBefore: clock.now() + 2_000 }),
      );
      await jobLoop.turns(3);
      expect(attempts).toHaveLength(2);

      clock.advance(2_000);
      await jobLoop.until('the incident', async () => (await instance(id)).state === 'incident');
      expect(attempts.map((a) => a.retries)).toEqual([3, 2, 1]);
      expect(new Set(attempts.map((a) => a.key)).size).toBe(1);
      const incidents = (await call('GET', `/api/incidents?processInstanceId=${id}`, admin)).body;
      expect(incidents).toEqual([
        expect.objectContaining({
          elementId: 'work',
          type: 'JOB_NO_RETRIES',
          message: expect.stringContaining('gas detector offline'),
        }),
      ]);
      // No retries left: the loop leaves the job alone, however far the clock moves.
      clock.advance(60 * 60_000);
      await jobLoop.turns(5);
      expect(attempts).toHaveLength(3);
      const types = await eventTypes(id);
      expect(types.filter((t) => t === 'job.failed')).toHaveLength(3);
      expect(types.filter((t) => t === 'incident.raised')).toHaveLength(1);
    });

    it('close() waits for a job in flight, then neither loop turns again', async () => {
      // A second service on its own database; the suite's service keeps running and its loops
      // measure the window: while they turn, the closed service's loops must not.
      const otherDb = await open();
      const startedAt = clock.now();
      const otherClock = new ManualClock(startedAt);
      const config = testConfig(otherDb, {
        clock: otherClock,
        jobPollMs: POLL_MS,
        timerPollMs: POLL_MS,
      });
      let other: RuntimeApp | undefined = await createApp(config);
      try {
        const otherJobs = new LoopTurns('closed job worker', other.jobs, 'runDue');
        const otherTimers = new LoopTurns('closed timer scheduler', other.timers, 'tick');
        const otherBase = await other.listen(0);
        const otherCall = client(() => otherBase);
        const token = await loginAdmin(otherCall);
        await deployXml(otherCall, token, 'slow', serviceTaskFlow('slow', 'loop.slow'));
        await deployXml(otherCall, token, 'later', serviceTaskFlow('later', 'loop.later'));
        await deployXml(otherCall, token, 'nap', timerCatchFlow('nap'));

        // A handler that holds its job until the test lets it go.
        let release: () => void = () => undefined;
        const held = new Promise<void>((resolve) => (release = resolve));
        let slowStarted = false;
        other.jobs.handlers.register('loop.slow', async () => {
          slowStarted = true;
          await held;
          return { inspected: true };
        });
        const slow = await startInstance(otherCall, token, 'slow');
        const later = await startInstance(otherCall, token, 'later');
        const nap = await startInstance(otherCall, token, 'nap');
        await jobLoop.until('the held job to start', () => slowStarted);

        let closed = false;
        const closing = other.close().then(() => (closed = true));
        // While the running service's worker turns three times, close() is still waiting.
        await jobLoop.turns(3);
        expect(closed).toBe(false);
        release();
        await closing;
        const closedRuntime = other;
        other = undefined;

        // After close: a handler for the waiting job and a due timer, yet nothing runs.
        let laterRan = 0;
        closedRuntime.jobs.handlers.register('loop.later', () => {
          laterRan++;
        });
        otherClock.advance(60 * 60_000);
        const jobTurns = otherJobs.count;
        const timerTurns = otherTimers.count;
        await jobLoop.turns(10);
        await timerLoop.turns(10);
        expect(otherJobs.count).toBe(jobTurns);
        expect(otherTimers.count).toBe(timerTurns);
        expect(laterRan).toBe(0);

        // What the database says, read by a service on the same database with its loops off and
        // its clock back at the start (so its start-up tick finds nothing due).
        other = await createApp({
          ...config,
          clock: new ManualClock(startedAt),
          jobPollMs: 0,
          timerPollMs: 0,
        });
        const readBase = await other.listen(0);
        const readCall = client(() => readBase);
        const reader = await loginAdmin(readCall);
        const held1 = await getInstance(readCall, reader, slow);
        expect(held1.activeElementIds).toEqual(['check']); // the job in flight was completed
        expect(held1.variables.inspected).toBe(true);
        expect((await getInstance(readCall, reader, later)).activeElementIds).toEqual(['work']);
        expect((await getInstance(readCall, reader, nap)).activeElementIds).toEqual(['wait']);
      } finally {
        await other?.close();
        await otherDb.drop();
      }
      expect(rejections).toEqual([]);
    });
  });
}
