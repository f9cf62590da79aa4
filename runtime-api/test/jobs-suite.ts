/**
 * Jobs and incidents end to end over HTTP, once per database: service tasks run by registered
 * handlers, retries with back-off into an incident resolved by retry or skip, external workers, and
 * concurrent activations. The clock is injected: back-off passes by moving it, never by sleeping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApp,
  ManualClock,
  type JobContext,
  type RuntimeApp,
  type RuntimeConfig,
} from '@safeflow/runtime-api';
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
} from './http.js';

export function jobsSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`jobs and incidents on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let base = '';
    let admin = '';
    let integrator = '';
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0));
    const call = client(() => base);

    const config = (): RuntimeConfig => testConfig(db, { clock });

    const deploy = (processId: string, type: string, retries = 2) =>
      deployXml(call, admin, processId, serviceTaskFlow(processId, type, retries));

    const start = (processKey: string, variables: Record<string, unknown> = {}) =>
      startInstance(call, admin, processKey, variables);

    const instance = (id: string) => getInstance(call, admin, id);

    beforeAll(async () => {
      db = await open();
      runtime = await createApp(config());
      base = await runtime.listen(0);
      admin = await loginAdmin(call);
      expect(
        (
          await call('POST', '/api/users', admin, {
            username: 'ivy.integrator',
            password: 'password-123',
            roles: ['integrator'],
          })
        ).status,
      ).toBe(201);
      integrator = (
        await call('POST', '/api/auth/login', undefined, {
          username: 'ivy.integrator',
          password: 'password-123',
        })
      ).body.accessToken;
    }, 60_000);

    afterAll(async () => {
      await runtime?.close();
      await db?.drop();
    });

    it('runs a service task through a registered handler, with its idempotency key', async () => {
      await deploy('job_ok', 'test.ok');
      const seen: JobContext[] = [];
      runtime.jobs.handlers.register('test.ok', (ctx) => {
        seen.push(ctx);
        return { result: (ctx.job.variables.n as number) * 2 };
      });
      const id = await start('job_ok', { n: 21 });
      expect((await instance(id)).activeElementIds).toEqual(['work']);
      expect(await runtime.jobs.runDue()).toBe(1);
      const after = await instance(id);
      expect(after.activeElementIds).toEqual(['check']);
      expect(after.variables.result).toBe(42);
      const [ctx] = seen;
      expect(ctx?.idempotencyKey).toBe(ctx?.job.key);
      expect(ctx?.job.key.startsWith(`${id}.`)).toBe(true);
      // the job row is gone: nothing more to run
      expect(await runtime.jobs.runDue()).toBe(0);
      const types = (await call('GET', `/api/process-instances/${id}/events`, admin)).body.map(
        (e: { type: string }) => e.type,
      );
      expect(types).toContain('job.created');
      expect(types).toContain('job.completed');
    });

    it('the built-in safeflow:noop handler completes its jobs', async () => {
      await deploy('job_noop', 'safeflow:noop');
      const id = await start('job_noop');
      await runtime.jobs.runDue();
      expect((await instance(id)).activeElementIds).toEqual(['check']);
    });

    it('retries a throwing handler with back-off, then raises an incident; resolve by retry', async () => {
      await deploy('job_flaky', 'test.flaky', 2);
      let broken = true;
      const keys: string[] = [];
      runtime.jobs.handlers.register('test.flaky', (ctx) => {
        keys.push(ctx.idempotencyKey);
        if (broken) throw new Error('sensor gateway down');
        return { fixed: true };
      });
      const id = await start('job_flaky');
      expect(await runtime.jobs.runDue()).toBe(1); // attempt 1 fails: 1 retry left, back-off 1 s
      const [row] = await runtime.dataSource.getRepository(JobEntity).findBy({ instanceId: id });
      expect(row).toEqual(
        expect.objectContaining({
          retries: 1,
          attempts: 1,
          notBefore: clock.now() + 1000,
          errorMessage: 'sensor gateway down',
          lockOwner: null,
        }),
      );
      expect(await runtime.jobs.runDue()).toBe(0); // not before the back-off
      clock.advance(1_000);
      expect(await runtime.jobs.runDue()).toBe(1); // attempt 2 fails: no retries → incident
      expect(new Set(keys).size).toBe(1);
      const inst = await instance(id);
      expect(inst.state).toBe('incident');
      const list = await call('GET', `/api/incidents?processInstanceId=${id}`, admin);
      expect(list.status).toBe(200);
      expect(list.body).toEqual([
        expect.objectContaining({
          processInstanceId: id,
          elementId: 'work',
          type: 'JOB_NO_RETRIES',
          message: expect.stringContaining('sensor gateway down'),
          jobKey: keys[0],
        }),
      ]);
      const all = await call('GET', '/api/incidents', admin);
      expect(all.body.map((i: { id: string }) => i.id)).toContain(list.body[0].id);
      clock.advance(60_000);
      expect(await runtime.jobs.runDue()).toBe(0); // no retries left: the worker leaves it alone

      const bad = await call('POST', `/api/incidents/${list.body[0].id}/resolve`, admin, {
        action: 'later',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('action');
      const nope = await call('POST', `/api/incidents/${id}.inc999/resolve`, admin, {
        action: 'retry',
      });
      expect(nope.status).toBe(404);

      broken = false;
      const r = await call('POST', `/api/incidents/${list.body[0].id}/resolve`, admin, {
        action: 'retry',
      });
      expect(r.status).toBe(200);
      expect(r.body.processInstance.state).toBe('active');
      expect(await runtime.jobs.runDue()).toBe(1);
      const done = await instance(id);
      expect(done.activeElementIds).toEqual(['check']);
      expect(done.variables.fixed).toBe(true);
      expect((await call('GET', `/api/incidents?processInstanceId=${id}`, admin)).body).toEqual([]);
    });

    it('resolves an incident by skipping the job with variables', async () => {
      await deploy('job_down', 'test.down', 1);
      runtime.jobs.handlers.register('test.down', () => {
        throw new Error('always down');
      });
      const id = await start('job_down');
      expect(await runtime.jobs.runDue()).toBe(1);
      const [incident] = (await call('GET', `/api/incidents?processInstanceId=${id}`, admin)).body;
      expect(incident.type).toBe('JOB_NO_RETRIES');
      const worker = await call('POST', `/api/incidents/${incident.id}/resolve`, integrator, {
        action: 'skip',
        variables: { skippedBy: 'operator' },
      });
      expect(worker.status).toBe(200);
      const after = await instance(id);
      expect(after.state).toBe('active');
      expect(after.activeElementIds).toEqual(['check']);
      expect(after.variables.skippedBy).toBe('operator');
      expect(await runtime.jobs.runDue()).toBe(0);
    });

    it('serves external workers: activate under a lease, complete, fail, error; roles enforced', async () => {
      await deploy('job_ext', 'test.external', 3);
      const id = await start('job_ext', { permitNo: 'EXT-1' });
      const empty = await call('POST', '/api/jobs/activate', integrator, { type: 'test.nothing' });
      expect(empty).toEqual({ status: 200, body: [] });
      const bad = await call('POST', '/api/jobs/activate', integrator, { type: 'x', maxJobs: 0 });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('maxJobs');
      const a = await call('POST', '/api/jobs/activate', integrator, {
        type: 'test.external',
        maxJobs: 5,
        lockMs: 30_000,
      });
      expect(a.status).toBe(200);
      expect(a.body).toEqual([
        expect.objectContaining({
          type: 'test.external',
          processInstanceId: id,
          elementId: 'work',
          retries: 3,
          variables: { permitNo: 'EXT-1' },
          idempotencyKey: expect.any(String),
        }),
      ]);
      const key = a.body[0].key as string;
      // leased: nobody else gets it until the lease runs out
      expect(
        (await call('POST', '/api/jobs/activate', integrator, { type: 'test.external' })).body,
      ).toEqual([]);
      clock.advance(30_001);
      const again = await call('POST', '/api/jobs/activate', integrator, { type: 'test.external' });
      expect(again.body.map((j: { key: string }) => j.key)).toEqual([key]);
      // fail with back-off: not activatable until it passes, then again
      expect(
        (
          await call('POST', `/api/jobs/${key}/fail`, integrator, {
            errorMessage: 'busy',
            retryBackoffMs: 5_000,
          })
        ).status,
      ).toBe(204);
      expect(
        (await call('POST', '/api/jobs/activate', integrator, { type: 'test.external' })).body,
      ).toEqual([]);
      clock.advance(5_000);
      const third = await call('POST', '/api/jobs/activate', integrator, { type: 'test.external' });
      expect(third.body[0]).toEqual(expect.objectContaining({ key, retries: 2 }));
      // a worker may not answer jobs; the auditor neither
      const worker = await call('POST', '/api/users', admin, {
        username: 'wu.worker',
        password: 'password-123',
        roles: ['worker'],
      });
      expect(worker.status).toBe(201);
      const wt = (
        await call('POST', '/api/auth/login', undefined, {
          username: 'wu.worker',
          password: 'password-123',
        })
      ).body.accessToken;
      expect((await call('POST', `/api/jobs/${key}/complete`, wt, {})).status).toBe(403);
      expect((await call('POST', '/api/jobs/activate', wt, { type: 'test.external' })).status).toBe(
        403,
      );
      const done = await call('POST', `/api/jobs/${key}/complete`, integrator, {
        variables: { ok: 1 },
      });
      expect(done.status).toBe(204);
      expect((await instance(id)).activeElementIds).toEqual(['check']);
      expect((await call('POST', `/api/jobs/${key}/complete`, integrator, {})).status).toBe(404);
      expect(
        (await call('POST', `/api/jobs/${key}/error`, integrator, { errorCode: 'E' })).status,
      ).toBe(404);
    });

    it('a BPMN error without a catcher is an incident', async () => {
      await deploy('job_err', 'test.err', 3);
      const id = await start('job_err');
      const [job] = (await call('POST', '/api/jobs/activate', integrator, { type: 'test.err' }))
        .body;
      const r = await call('POST', `/api/jobs/${job.key}/error`, integrator, {
        errorCode: 'NO_GAS_METER',
        errorMessage: 'no meter on site',
      });
      expect(r.status).toBe(204);
      const incidents = (await call('GET', `/api/incidents?processInstanceId=${id}`, admin)).body;
      expect(incidents).toEqual([expect.objectContaining({ type: 'UNHANDLED_ERROR_EVENT' })]);
    });

    it('two concurrent activations never get the same job', async () => {
      await deploy('job_many', 'test.many', 3);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push(await start('job_many', { i }));
      const activations = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          call('POST', '/api/jobs/activate', integrator, {
            type: 'test.many',
            maxJobs: 3,
            worker: `w${i}`,
          }),
        ),
      );
      const keys = activations.flatMap((a) => {
        expect(a.status).toBe(200);
        return (a.body as Array<{ key: string }>).map((j) => j.key);
      });
      expect(keys.length).toBe(12);
      expect(new Set(keys).size).toBe(12);
      const claims = await Promise.all([
        runtime.jobs.claim('test.many', 12, 1000, 'a'),
        runtime.jobs.claim('test.many', 12, 1000, 'b'),
      ]);
      expect(claims.flat()).toEqual([]);
    });
  });
}
