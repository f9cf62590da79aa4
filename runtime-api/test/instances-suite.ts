/**
 * Process instances end to end, once per database: the filtered, paged list; cancelling (tasks,
 * jobs and timers go with the instance); migrating waiting instances to a newer version, one or a
 * whole version at a time; and who may do it. The clock is injected and moved by the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, ManualClock, type RuntimeApp } from '@safeflow/runtime-api';
import type { TestDatabase } from './api-suite.js';
import {
  client,
  deployXml,
  getInstance,
  loginAdmin,
  serviceTaskFlow,
  testConfig,
  timerCatchFlow,
  userToken,
} from './http.js';

const HEADER = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="http://safeflow.io/test">`;

/** start → the user tasks `steps`, in order → end. */
function userTasks(processId: string, steps: string[]): string {
  const ids = ['start', ...steps, 'end'];
  const nodes = steps.map((s) => `<bpmn:userTask id="${s}" name="${s}"/>`).join('\n    ');
  const flows = ids
    .slice(1)
    .map((to, i) => `<bpmn:sequenceFlow id="f${i}" sourceRef="${ids[i]}" targetRef="${to}"/>`)
    .join('\n    ');
  return `${HEADER}
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    ${nodes}
    <bpmn:endEvent id="end"/>
    ${flows}
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → call activity of `child` → end. */
function callerFlow(processId: string, child: string): string {
  return `${HEADER}
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <bpmn:callActivity id="call">
      <bpmn:extensionElements><zeebe:calledElement processId="${child}"/></bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;
}

export function instancesSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`process instances on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let base = '';
    let admin = '';
    const tokens: Record<string, string> = {};
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0));
    const call = client(() => base);

    async function boot(): Promise<void> {
      runtime = await createApp(testConfig(db, { clock }));
      base = await runtime.listen(0);
      admin = await loginAdmin(call);
    }

    async function start(
      processKey: string,
      extra: { variables?: Record<string, unknown>; businessKey?: string } = {},
    ): Promise<string> {
      const r = await call('POST', '/api/process-instances', admin, { processKey, ...extra });
      expect(r.status).toBe(201);
      return r.body.id as string;
    }

    /** GET /api/process-instances with a query: the ids in order and the total header. */
    async function search(query: string, token = admin) {
      const res = await fetch(`${base}/api/process-instances${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as any;
      return {
        status: res.status,
        body,
        ids: res.status === 200 ? (body as any[]).map((i) => i.id as string) : [],
        total: res.headers.get('x-total-count'),
      };
    }

    const instance = (id: string) => getInstance(call, admin, id);
    const openTasks = async (id: string) =>
      (await call('GET', `/api/tasks?processInstanceId=${id}`, admin)).body as any[];
    async function completeOnly(id: string, elementId: string): Promise<void> {
      const tasks = await openTasks(id);
      expect(tasks.map((t) => t.elementId)).toEqual([elementId]);
      const r = await call('POST', `/api/tasks/${tasks[0].id}/complete`, admin, {});
      expect(r.status).toBe(200);
    }
    const rows = (table: 'job' | 'timer', id: string) =>
      runtime.dataSource.query(
        runtime.dataSource.options.type === 'postgres'
          ? `SELECT * FROM ${table} WHERE instance_id = $1`
          : `SELECT * FROM ${table} WHERE instance_id = ?`,
        [id],
      ) as Promise<unknown[]>;
    const verified = async (id: string) =>
      (await call('GET', `/api/audit/verify?processInstanceId=${id}`, admin)).body.valid;

    beforeAll(async () => {
      db = await open();
      await boot();
      for (const [pid, xml] of [
        ['ins_list', userTasks('ins_list', ['fill'])],
        ['ins_other', userTasks('ins_other', ['fill'])],
        ['ins_child', userTasks('ins_child', ['inside'])],
        ['ins_parent', callerFlow('ins_parent', 'ins_child')],
        ['ins_job', serviceTaskFlow('ins_job', 'ins-gas-test', 1)],
        ['ins_timer', timerCatchFlow('ins_timer')],
        ['ins_permit', userTasks('ins_permit', ['approve'])],
        ['ins_batch', userTasks('ins_batch', ['approve', 'check'])],
      ] as const)
        await deployXml(call, admin, pid, xml);
      for (const role of ['worker', 'auditor', 'manager', 'safety-officer']) {
        const username = `ins.${role}`;
        tokens[role] = await userToken(call, admin, username, [role]);
      }
    }, 60_000);

    afterAll(async () => {
      await runtime?.close();
      await db?.drop();
    });

    it('lists instances newest first with filters, paging and X-Total-Count', async () => {
      const t0 = clock.now();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        clock.advance(60_000);
        ids.push(
          await start('ins_list', {
            businessKey: `HW-${i}`,
            variables: { permitNo: `HW-${i}`, count: i, urgent: i % 2 === 0, label: String(i) },
          }),
        );
      }
      clock.advance(60_000);
      const other = await start('ins_other', { variables: { permitNo: 'HW-1' } });
      await completeOnly(ids[0]!, 'fill');

      const all = await search('?processId=ins_list');
      expect(all.status).toBe(200);
      expect(all.ids).toEqual([...ids].reverse());
      expect(all.total).toBe('5');
      expect(all.body[0]).toMatchObject({
        id: ids[4],
        processId: 'ins_list',
        processKey: 'ins_list:1',
        version: 1,
        businessKey: 'HW-4',
        state: 'active',
        activeElementIds: ['fill'],
        parentInstanceId: null,
        variables: { permitNo: 'HW-4', count: 4 },
      });

      const page = await search('?processId=ins_list&limit=2&offset=2');
      expect(page.ids).toEqual([ids[2], ids[1]]);
      expect(page.total).toBe('5');
      expect((await search('?processId=ins_list&offset=10')).ids).toEqual([]);
      expect((await search('?processKey=ins_list:1&state=completed')).ids).toEqual([ids[0]]);
      expect((await search('?processId=ins_list&state=active,completed')).total).toBe('5');
      expect((await search('?processId=ins_list&state=terminated')).ids).toEqual([]);
      expect((await search('?businessKey=HW-3')).ids).toEqual([ids[3]]);
      expect((await search('?processId=no_such_process')).total).toBe('0');

      // Variables: equality of scalars; a number matches its digits, a string only itself.
      expect((await search('?variables.permitNo=HW-1')).ids).toEqual([other, ids[1]]);
      expect((await search('?processId=ins_list&variables.permitNo=HW-1')).ids).toEqual([ids[1]]);
      expect((await search('?processId=ins_list&variables.count=3')).ids).toEqual([ids[3]]);
      expect((await search('?processId=ins_list&variables.label=3')).ids).toEqual([ids[3]]);
      expect((await search('?processId=ins_list&variables.urgent=true')).ids).toEqual([
        ids[4],
        ids[2],
        ids[0],
      ]);
      expect(
        (await search('?processId=ins_list&variables.urgent=false&variables.count=1')).ids,
      ).toEqual([ids[1]]);
      expect((await search('?processId=ins_list&variables.missing=1')).ids).toEqual([]);

      // Started at or after / before (half-open), ISO dates.
      const at = (n: number) => new Date(t0 + n * 60_000).toISOString();
      // ids[i] started at t0 + (i + 1) min.
      expect((await search(`?processId=ins_list&startedAfter=${at(2)}`)).ids).toEqual([
        ids[4],
        ids[3],
        ids[2],
        ids[1],
      ]);
      expect(
        (await search(`?processId=ins_list&startedAfter=${at(2)}&startedBefore=${at(4)}`)).ids,
      ).toEqual([ids[2], ids[1]]);
      expect((await search('?processId=ins_list&startedBefore=2026-11-23')).ids).toEqual([]);

      // Anyone signed in may list.
      expect((await search('?processId=ins_list', tokens['auditor'])).total).toBe('5');
    });

    it('refuses bad list queries with 400 naming the parameter', async () => {
      const cases: Array<[string, string]> = [
        ['?state=running', 'state'],
        ['?startedAfter=yesterday', 'startedAfter'],
        ['?startedAfter=2026-11-23T08:00:00', 'startedAfter'],
        ['?startedBefore=2026-02-30', 'startedBefore'],
        ['?limit=0', 'limit'],
        ['?limit=501', 'limit'],
        ['?offset=-1', 'offset'],
        ['?processKey=ins_list', 'processKey'],
        ['?procesId=ins_list', 'procesId'],
        ['?businessKey=a&businessKey=b', 'businessKey'],
        ['?variables.bad-name=1', 'variables.bad-name'],
      ];
      for (const [query, field] of cases) {
        const r = await search(query);
        expect(r.status, query).toBe(400);
        expect(
          r.body.errors.map((e: any) => e.field),
          query,
        ).toContain(field);
        expect(r.body.message, query).toContain(field);
      }
      expect((await search('?limit=500')).status).toBe(200);
    });

    it('lists called instances by their parent and instances in incident', async () => {
      const parent = await start('ins_parent');
      const children = await search(`?parentInstanceId=${parent}`);
      expect(children.body).toEqual([
        expect.objectContaining({
          processId: 'ins_child',
          parentInstanceId: parent,
          activeElementIds: ['inside'],
        }),
      ]);

      const failing = await start('ins_job');
      const [job] = (
        await call('POST', '/api/jobs/activate', admin, { type: 'ins-gas-test', maxJobs: 1 })
      ).body;
      expect(job.processInstanceId).toBe(failing);
      const failed = await call('POST', `/api/jobs/${job.key}/fail`, admin, {
        retries: 0,
        errorMessage: 'meter offline',
      });
      expect(failed.status).toBe(204);
      expect((await search('?processId=ins_job&state=incident')).ids).toEqual([failing]);
    });

    it('cancels an instance waiting at a user task: tasks gone, 409 when ended, 404 unknown', async () => {
      const id = await start('ins_permit', { businessKey: 'CANCEL-1' });
      expect(await openTasks(id)).toHaveLength(1);
      const r = await call('POST', `/api/process-instances/${id}/cancel`, tokens['manager']);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id, state: 'terminated', activeElementIds: [] });
      expect(await openTasks(id)).toEqual([]);
      expect((await instance(id)).state).toBe('terminated');
      const events = (await call('GET', `/api/process-instances/${id}/events`, admin)).body;
      expect(events.at(-1)).toMatchObject({ type: 'instance.cancelled', actor: 'ins.manager' });
      expect(await verified(id)).toBe(true);
      expect((await search('?businessKey=CANCEL-1&state=terminated')).ids).toEqual([id]);

      const again = await call('POST', `/api/process-instances/${id}/cancel`, admin);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('INSTANCE_NOT_ACTIVE');
      const unknown = await call('POST', '/api/process-instances/nope/cancel', admin);
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('INSTANCE_NOT_FOUND');
    });

    it('cancels an instance waiting at a timer or a job: the timer and the job are gone', async () => {
      const waiting = await start('ins_timer');
      expect(await rows('timer', waiting)).toHaveLength(1);
      const r = await call('POST', `/api/process-instances/${waiting}/cancel`, admin);
      expect(r.status).toBe(200);
      expect(r.body.state).toBe('terminated');
      expect(await rows('timer', waiting)).toEqual([]);
      // Past the timer's due time (PT10M); the access tokens (1 h) stay valid.
      clock.advance(11 * 60_000);
      expect(await runtime.timers.tick()).toBe(0);
      expect(await instance(waiting)).toMatchObject({ state: 'terminated', activeElementIds: [] });

      const working = await start('ins_job');
      expect(await rows('job', working)).toHaveLength(1);
      const cancelled = await call(
        'POST',
        `/api/process-instances/${working}/cancel`,
        tokens['safety-officer'],
      );
      expect(cancelled.status).toBe(200);
      expect(await rows('job', working)).toEqual([]);
      const jobs = await call('POST', '/api/jobs/activate', admin, {
        type: 'ins-gas-test',
        maxJobs: 10,
      });
      expect(jobs.body.map((j: any) => j.processInstanceId)).not.toContain(working);
    });

    it('migrates a waiting instance to a newer version: it takes the new path from there', async () => {
      const id = await start('ins_permit', { variables: { permitNo: 'MIG-1' } });
      const byVersion = await start('ins_permit');
      // Version 2 adds a review after the approval.
      await deployXml(call, admin, 'ins_permit', userTasks('ins_permit', ['approve', 'review']));
      const r = await call(
        'POST',
        `/api/process-instances/${id}/migrate`,
        tokens['safety-officer'],
        {
          targetProcessKey: 'ins_permit:2',
        },
      );
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        id,
        processKey: 'ins_permit:2',
        version: 2,
        state: 'active',
        activeElementIds: ['approve'],
        variables: { permitNo: 'MIG-1' },
      });
      expect((await search('?processKey=ins_permit:2')).ids).toContain(id);
      const migrated = (await call('GET', `/api/process-instances/${id}/events`, admin)).body.at(
        -1,
      );
      expect(migrated).toMatchObject({
        type: 'instance.migrated',
        actor: 'ins.safety-officer',
        payload: { from: 'ins_permit:1', to: 'ins_permit:2', version: 2 },
      });

      // On version 1 the approval would end the instance; on version 2 the review follows.
      await completeOnly(id, 'approve');
      expect(await instance(id)).toMatchObject({ state: 'active', activeElementIds: ['review'] });
      await completeOnly(id, 'review');
      expect((await instance(id)).state).toBe('completed');
      expect(await verified(id)).toBe(true);

      // {targetVersion}, and the new version survives a restart.
      const v = await call('POST', `/api/process-instances/${byVersion}/migrate`, admin, {
        targetVersion: 2,
      });
      expect(v.body.processKey).toBe('ins_permit:2');
      await runtime.close();
      await boot();
      expect((await instance(byVersion)).processKey).toBe('ins_permit:2');
      await completeOnly(byVersion, 'approve');
      expect((await instance(byVersion)).activeElementIds).toEqual(['review']);

      // Instances that were not migrated stay on their version.
      const stays = await start('ins_permit:1');
      await completeOnly(stays, 'approve');
      expect((await instance(stays)).state).toBe('completed');
    });

    it('refuses a migration when the element the instance waits at is missing in the target', async () => {
      const id = await start('ins_permit:1');
      // Version 3 replaced the approval by an inspection.
      await deployXml(call, admin, 'ins_permit', userTasks('ins_permit', ['inspect']));
      const r = await call('POST', `/api/process-instances/${id}/migrate`, admin, {
        targetProcessKey: 'ins_permit:3',
      });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('MIGRATION_INVALID');
      expect(r.body.message).toContain("'approve'");
      expect(r.body.message).toContain('ins_permit:3');
      expect(await instance(id)).toMatchObject({ processKey: 'ins_permit:1', version: 1 });
      expect(await openTasks(id)).toHaveLength(1);

      const cases: Array<[string, unknown, number, string?]> = [
        ['nope', { targetVersion: 2 }, 404, 'INSTANCE_NOT_FOUND'],
        [id, { targetVersion: 9 }, 404, 'PROCESS_NOT_FOUND'],
        [id, { targetProcessKey: 'ins_other:1' }, 409, 'MIGRATION_INVALID'],
        [id, { targetProcessKey: 'ins_permit:1' }, 409, 'MIGRATION_INVALID'],
        [id, {}, 400],
        [id, { targetProcessKey: 'ins_permit:2', targetVersion: 2 }, 400],
        [id, { targetVersion: 0 }, 400],
        [id, { targetVersion: 2, force: true }, 400],
      ];
      for (const [target, body, status, code] of cases) {
        const reply = await call('POST', `/api/process-instances/${target}/migrate`, admin, body);
        expect(reply.status, JSON.stringify(body)).toBe(status);
        if (code) expect(reply.body.code, JSON.stringify(body)).toBe(code);
      }
      await call('POST', `/api/process-instances/${id}/cancel`, admin);
      const ended = await call('POST', `/api/process-instances/${id}/migrate`, admin, {
        targetVersion: 2,
      });
      expect(ended.status).toBe(409);
      expect(ended.body.code).toBe('INSTANCE_NOT_ACTIVE');
    });

    it('migrates every waiting instance of a version, listing those it cannot move', async () => {
      const atApprove = await start('ins_batch');
      const atCheck = await start('ins_batch');
      await completeOnly(atCheck, 'approve');
      const done = await start('ins_batch');
      await completeOnly(done, 'approve');
      await completeOnly(done, 'check');
      // Version 2 drops the check.
      await deployXml(call, admin, 'ins_batch', userTasks('ins_batch', ['approve']));

      const r = await call(
        'POST',
        '/api/process-definitions/ins_batch:1/migrate-instances',
        admin,
        {
          targetProcessKey: 'ins_batch:2',
        },
      );
      expect(r.status).toBe(200);
      expect(r.body.migrated).toEqual([atApprove]);
      expect(r.body.failed).toEqual([
        { id: atCheck, code: 'MIGRATION_INVALID', message: expect.stringContaining("'check'") },
      ]);
      expect((await instance(atApprove)).processKey).toBe('ins_batch:2');
      expect((await instance(atCheck)).processKey).toBe('ins_batch:1');
      expect((await instance(done)).processKey).toBe('ins_batch:1');
      await completeOnly(atApprove, 'approve');
      expect((await instance(atApprove)).state).toBe('completed');

      const again = await call(
        'POST',
        '/api/process-definitions/ins_batch:1/migrate-instances',
        admin,
        {
          targetVersion: 2,
        },
      );
      expect(again.body).toEqual({
        migrated: [],
        failed: [expect.objectContaining({ id: atCheck })],
      });
      const cases: Array<[string, unknown, number]> = [
        ['nope:1', { targetVersion: 2 }, 404],
        ['ins_batch:1', { targetVersion: 7 }, 404],
        ['ins_batch:1', { targetVersion: 1 }, 400],
        ['ins_batch:1', { targetProcessKey: 'ins_permit:2' }, 400],
        ['ins_batch:1', {}, 400],
      ];
      for (const [key, body, status] of cases) {
        const reply = await call(
          'POST',
          `/api/process-definitions/${key}/migrate-instances`,
          admin,
          body,
        );
        expect(reply.status, `${key} ${JSON.stringify(body)}`).toBe(status);
      }
    });

    it('lets only admins, safety officers (and managers, for cancel) cancel and migrate', async () => {
      const id = await start('ins_permit:1');
      for (const role of ['worker', 'auditor']) {
        const cancel = await call('POST', `/api/process-instances/${id}/cancel`, tokens[role]);
        expect(cancel.status, role).toBe(403);
      }
      for (const role of ['worker', 'auditor', 'manager']) {
        const migrate = await call('POST', `/api/process-instances/${id}/migrate`, tokens[role], {
          targetVersion: 2,
        });
        expect(migrate.status, role).toBe(403);
        const batch = await call(
          'POST',
          '/api/process-definitions/ins_permit:1/migrate-instances',
          tokens[role],
          { targetVersion: 2 },
        );
        expect(batch.status, role).toBe(403);
      }
      expect(await instance(id)).toMatchObject({ state: 'active', processKey: 'ins_permit:1' });
      expect((await call('POST', `/api/process-instances/${id}/cancel`)).status).toBe(401);
    });
  });
}
