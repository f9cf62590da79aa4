/**
 * The end-to-end suite, run over real HTTP against the Nest app on an ephemeral port, once per
 * database (sqlite, PostgreSQL). `db` opens and drops the database the app runs on.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type RuntimeApp, type RuntimeConfig } from '@safeflow/runtime-api';

const DEMO_XML = readFileSync(
  new URL('../../examples/engine-demo/hot-work-permit.bpmn', import.meta.url),
  'utf8',
);
const ADMIN_PASSWORD = 'admin-test-password';

export interface TestDatabase {
  /** Config fields that select this database. */
  config(): Partial<RuntimeConfig> & { dataDir: string };
  drop(): Promise<void>;
}

interface Reply {
  status: number;
  body: any;
}

export function apiSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`runtime-api over HTTP on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let base = '';
    let admin = '';

    const config = (): RuntimeConfig => ({
      port: 0,
      tokenTtlSeconds: 3600,
      bodyLimit: '1mb',
      logLevel: 'silent',
      jwtSecret: 'test-secret-for-the-e2e-suite',
      adminPassword: ADMIN_PASSWORD,
      ...db.config(),
    });

    async function call(
      method: string,
      path: string,
      token?: string,
      body?: unknown,
    ): Promise<Reply> {
      const res = await fetch(base + path, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined
          ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
          : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    }

    async function login(username: string, password: string): Promise<string> {
      const r = await call('POST', '/api/auth/login', undefined, { username, password });
      expect(r.status).toBe(200);
      return r.body.accessToken as string;
    }

    async function startPermit(
      token = admin,
      permitNo = 'HW-001',
      requester = 'zhang.wei',
    ): Promise<string> {
      const r = await call('POST', '/api/process-instances', token, {
        processKey: 'demo_hot_work_permit',
        variables: { permitNo, requester },
        businessKey: permitNo,
      });
      expect(r.status).toBe(201);
      return r.body.id as string;
    }

    async function openTask(instanceId: string): Promise<any> {
      const r = await call('GET', `/api/tasks?processInstanceId=${instanceId}`, admin);
      expect(r.status).toBe(200);
      return r.body[0];
    }

    beforeAll(async () => {
      db = await open();
      runtime = await createApp(config());
      base = await runtime.listen(0);
      admin = await login('admin', ADMIN_PASSWORD);
      const deployed = await call('POST', '/api/deployments', admin, {
        name: 'demo',
        resources: [{ name: 'hot-work-permit.bpmn', content: DEMO_XML }],
      });
      expect(deployed.status).toBe(201);
      for (const [username, role] of [
        ['ada.auditor', 'auditor'],
        ['wang.worker', 'worker'],
      ]) {
        const r = await call('POST', '/api/users', admin, {
          username,
          password: 'password-123',
          roles: [role],
        });
        expect(r.status).toBe(201);
      }
    }, 60_000);

    afterAll(async () => {
      await runtime?.close();
      await db?.drop();
    });

    it('answers health without a token', async () => {
      expect(await call('GET', '/api/health')).toEqual({ status: 200, body: { status: 'ok' } });
    });

    it('logs in, refuses a bad password, and needs a token everywhere else', async () => {
      const bad = await call('POST', '/api/auth/login', undefined, {
        username: 'admin',
        password: 'wrong',
      });
      expect(bad.status).toBe(401);
      expect(JSON.stringify(bad.body)).not.toContain('wrong');
      const unknownUser = await call('POST', '/api/auth/login', undefined, {
        username: 'nobody',
        password: 'x',
      });
      expect(unknownUser.status).toBe(401);
      expect((await call('GET', '/api/process-definitions')).status).toBe(401);
      expect((await call('GET', '/api/process-definitions', 'not-a-token')).status).toBe(401);
      expect((await call('GET', '/api/process-definitions', admin)).status).toBe(200);
    });

    it('validates bodies with 400s that name the field', async () => {
      const r = await call('POST', '/api/auth/login', undefined, { username: 'admin' });
      expect(r.status).toBe(400);
      expect(r.body.errors[0].field).toBe('password');
      expect(r.body.message).toContain('password');
      const d = await call('POST', '/api/deployments', admin, {
        name: 'x',
        resources: [{ name: 'a.bpmn' }],
      });
      expect(d.status).toBe(400);
      expect(d.body.errors[0].field).toBe('resources[0].content');
      const s = await call('POST', '/api/process-instances', admin, {
        processKey: 'demo_hot_work_permit',
        variables: 'no',
      });
      expect(s.status).toBe(400);
      expect(s.body.errors[0].field).toBe('variables');
      const broken = await call('POST', '/api/auth/login', undefined, '{"username":');
      expect(broken.status).toBe(400);
    });

    it('deploys, versions by content, and refuses an invalid model with its element id', async () => {
      const again = await call('POST', '/api/deployments', admin, {
        name: 'demo again',
        resources: [{ name: 'hot-work-permit.bpmn', content: DEMO_XML }],
      });
      expect(again.status).toBe(201);
      expect(again.body.processes).toEqual([
        { id: 'demo_hot_work_permit', key: 'demo_hot_work_permit:1', version: 1 },
      ]);
      expect(typeof again.body.id).toBe('string');

      const invalid = DEMO_XML.replace(
        '<bpmn:serviceTask id="gasTest" name="Gas test (LEL, O2, H2S)">\n      <bpmn:extensionElements><zeebe:taskDefinition type="gas-test" retries="3"/></bpmn:extensionElements>\n    </bpmn:serviceTask>',
        '<bpmn:serviceTask id="gasTest" name="Gas test (LEL, O2, H2S)"/>',
      );
      expect(invalid).not.toBe(DEMO_XML);
      const r = await call('POST', '/api/deployments', admin, {
        name: 'bad',
        resources: [{ name: 'bad.bpmn', content: invalid }],
      });
      expect(r.status).toBe(400);
      expect(typeof r.body.message).toBe('string');
      expect(r.body.errors).toContainEqual(
        expect.objectContaining({ elementId: 'gasTest', code: 'missing-job-type' }),
      );
      expect(r.body.errors[0].line).toBeGreaterThan(0);

      const defs = await call('GET', '/api/process-definitions', admin);
      expect(defs.body).toEqual([
        expect.objectContaining({
          id: 'demo_hot_work_permit',
          key: 'demo_hot_work_permit:1',
          version: 1,
        }),
      ]);
    });

    it('starts an instance, 404 for an unknown process, and reads it back', async () => {
      const id = await startPermit();
      const unknown = await call('POST', '/api/process-instances', admin, {
        processKey: 'no_such_process',
        variables: {},
      });
      expect(unknown.status).toBe(404);
      const r = await call('GET', `/api/process-instances/${id}`, admin);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id, state: 'active', activeElementIds: ['apply'] });
      expect(r.body.variables).toMatchObject({ permitNo: 'HW-001', requester: 'zhang.wei' });
      expect((await call('GET', '/api/process-instances/nope', admin)).status).toBe(404);
    });

    it('lists and completes a task; completing it twice is 409, an unknown task 404', async () => {
      const id = await startPermit(admin, 'HW-010');
      const task = await openTask(id);
      expect(task).toMatchObject({
        processInstanceId: id,
        elementId: 'apply',
        name: 'Fill in the hot-work application',
        assignee: 'zhang.wei',
        candidateRoles: ['worker'],
        formKey: null,
      });
      expect(Date.parse(task.createdAt)).not.toBeNaN();
      const done = await call('POST', `/api/tasks/${task.id}/complete`, admin, {
        variables: { site: 'B2' },
      });
      expect(done.status).toBe(200);
      expect(done.body.processInstance.activeElementIds).toEqual(['gasTest']);
      expect(done.body.processInstance.variables.site).toBe('B2');
      expect(await call('GET', `/api/tasks?processInstanceId=${id}`, admin)).toEqual({
        status: 200,
        body: [],
      });
      const twice = await call('POST', `/api/tasks/${task.id}/complete`, admin, { variables: {} });
      expect(twice.status).toBe(409);
      expect((await call('POST', `/api/tasks/${id}.99999/complete`, admin, {})).status).toBe(404);
      expect((await call('POST', '/api/tasks/unknown/complete', admin, {})).status).toBe(404);
    });

    it('of two concurrent completions of one task exactly one succeeds and the other gets 409', async () => {
      for (let round = 0; round < 3; round++) {
        const id = await startPermit(admin, `HW-C${round}`);
        const task = await openTask(id);
        const replies = await Promise.all([
          call('POST', `/api/tasks/${task.id}/complete`, admin, { variables: { by: 'a' } }),
          call('POST', `/api/tasks/${task.id}/complete`, admin, { variables: { by: 'b' } }),
        ]);
        expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
        const events = await call('GET', `/api/process-instances/${id}/events`, admin);
        expect(events.body.filter((e: any) => e.type === 'task.completed')).toHaveLength(1);
        expect(
          (await call('GET', `/api/audit/verify?processInstanceId=${id}`, admin)).body.valid,
        ).toBe(true);
      }
    });

    it('enforces roles on the server', async () => {
      const auditor = await login('ada.auditor', 'password-123');
      const worker = await login('wang.worker', 'password-123');
      const deploy = {
        name: 'x',
        resources: [{ name: 'hot-work-permit.bpmn', content: DEMO_XML }],
      };
      expect((await call('POST', '/api/deployments', auditor, deploy)).status).toBe(403);
      expect(
        (
          await call('POST', '/api/process-instances', auditor, {
            processKey: 'demo_hot_work_permit',
          })
        ).status,
      ).toBe(403);
      expect((await call('GET', '/api/process-definitions', auditor)).status).toBe(200);
      expect((await call('POST', '/api/deployments', worker, deploy)).status).toBe(403);
      expect(
        (
          await call('POST', '/api/users', worker, {
            username: 'x',
            password: 'password-x',
            roles: ['admin'],
          })
        ).status,
      ).toBe(403);

      // The worker requests the permit, so its first task is the worker's own.
      const id = await startPermit(worker, 'HW-W1', 'wang.worker');
      const task = await openTask(id);
      expect(
        (await call('POST', `/api/tasks/${task.id}/complete`, auditor, { variables: {} })).status,
      ).toBe(403);
      expect(
        (await call('POST', `/api/tasks/${task.id}/complete`, worker, { variables: {} })).status,
      ).toBe(200);
      const events = await call('GET', `/api/process-instances/${id}/events`, auditor);
      expect(events.body.find((e: any) => e.type === 'task.completed').actor).toBe('wang.worker');
    });

    it('serves the hash-chained log and verifies it; an edited row is detected', async () => {
      const id = await startPermit(admin, 'HW-T1');
      const task = await openTask(id);
      await call('POST', `/api/tasks/${task.id}/complete`, admin, { variables: { note: 'ok' } });
      const events = await call('GET', `/api/process-instances/${id}/events`, admin);
      expect(events.status).toBe(200);
      const log = events.body as any[];
      expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
      expect(log[0]).toMatchObject({
        seq: 1,
        type: 'instance.started',
        actor: 'admin',
        prevHash: '0'.repeat(64),
      });
      for (let i = 1; i < log.length; i++) expect(log[i].prevHash).toBe(log[i - 1].hash);
      expect(
        log.every((e) => /^[0-9a-f]{64}$/.test(e.hash) && !Number.isNaN(Date.parse(e.at))),
      ).toBe(true);
      const ok = await call('GET', `/api/audit/verify?processInstanceId=${id}`, admin);
      expect(ok.body).toEqual({ valid: true, checked: log.length });

      const target = log.find((e) => e.type === 'variables.set') ?? log[2];
      await runtime.dataSource.query(
        runtime.dataSource.options.type === 'postgres'
          ? 'UPDATE instance_event SET payload = $1 WHERE instance_id = $2 AND seq = $3'
          : 'UPDATE instance_event SET payload = ? WHERE instance_id = ? AND seq = ?',
        [JSON.stringify({ note: 'forged' }), id, target.seq],
      );
      const broken = await call('GET', `/api/audit/verify?processInstanceId=${id}`, admin);
      expect(broken.body).toMatchObject({
        valid: false,
        checked: target.seq,
        firstBrokenSeq: target.seq,
      });
      expect((await call('GET', '/api/audit/verify?processInstanceId=', admin)).status).toBe(400);
    });

    it('detects a deleted newest event', async () => {
      const id = await startPermit(admin, 'HW-T2');
      const log = (await call('GET', `/api/process-instances/${id}/events`, admin)).body as any[];
      const last = log[log.length - 1].seq as number;
      await runtime.dataSource.query(
        runtime.dataSource.options.type === 'postgres'
          ? 'DELETE FROM instance_event WHERE instance_id = $1 AND seq = $2'
          : 'DELETE FROM instance_event WHERE instance_id = ? AND seq = ?',
        [id, last],
      );
      const r = await call('GET', `/api/audit/verify?processInstanceId=${id}`, admin);
      expect(r.body).toMatchObject({ valid: false, checked: last - 1, firstBrokenSeq: last });
    });

    it('keeps waiting tasks across a restart on the same database', async () => {
      const id = await startPermit(admin, 'HW-R1');
      const before = await openTask(id);
      await runtime.close();
      runtime = await createApp(config());
      base = await runtime.listen(0);
      admin = await login('admin', ADMIN_PASSWORD);
      const after = await openTask(id);
      expect(after).toEqual(before);
      const done = await call('POST', `/api/tasks/${after.id}/complete`, admin, { variables: {} });
      expect(done.status).toBe(200);
      expect(done.body.processInstance.activeElementIds).toEqual(['gasTest']);
      expect(
        (await call('GET', `/api/audit/verify?processInstanceId=${id}`, admin)).body.valid,
      ).toBe(true);
      expect((await call('GET', '/api/process-definitions', admin)).body).toHaveLength(1);
    });

    it('refuses oversized bodies', async () => {
      const big = 'x'.repeat(1_100_000);
      const r = await call('POST', '/api/deployments', admin, {
        name: 'big',
        resources: [{ name: 'a.bpmn', content: big }],
      });
      expect(r.status).toBe(413);
    });
  });
}
