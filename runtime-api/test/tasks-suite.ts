/**
 * User tasks end to end over HTTP, once per database: the task list (filters, paging, history,
 * forms), form validation on completion, claim / unclaim / assign as audited events, what a worker
 * may see and do, comments and attachments. The clock is injected and moved by the test.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, ManualClock, type RuntimeApp, type RuntimeConfig } from '@safeflow/runtime-api';
import type { TestDatabase } from './api-suite.js';
import {
  boundaryTimerFlow,
  client,
  deployXml,
  loginAdmin,
  startInstance,
  testConfig,
} from './http.js';

/** A form with nested data, formats and a SafeFlow annotation (`x-title-zh`). */
const GAS_FORM = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Gas test',
  'x-title-zh': '气体检测',
  type: 'object',
  properties: {
    gasReadings: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          o2: { type: 'number', minimum: 19.5, maximum: 23.5 },
          lelPct: { type: 'number', minimum: 0 },
        },
        required: ['o2', 'lelPct'],
      },
    },
    sampledAt: { type: 'string', format: 'date-time' },
    tester: { type: 'string', minLength: 1 },
  },
  required: ['gasReadings', 'sampledAt', 'tester'],
};

const GOOD_GAS = {
  gasReadings: [{ o2: 20.9, lelPct: 0 }],
  sampledAt: '2026-11-23T08:05:00Z',
  tester: 'wu.worker',
};

/**
 * start → four user tasks in parallel, each to its own end: `gas` (offered to the worker group,
 * with a form, due date and priority), `review` (safety officers), `crew` (the user wen.worker),
 * `mine` (assigned to the requester).
 */
function permitFlow(processId: string, formKey: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_${processId}" targetNamespace="http://safeflow.io/test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="gas"/>
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="review"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="crew"/>
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="mine"/>
    <bpmn:userTask id="gas" name="Gas test">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="worker"/>
        <zeebe:formDefinition formKey="${formKey}"/>
        <zeebe:taskSchedule dueDate="2026-12-01T08:00:00Z"/>
        <zeebe:priorityDefinition priority="80"/>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="review" name="Safety review">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="safety-officer"/></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="crew" name="Crew briefing">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateUsers="wen.worker"/></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="mine" name="Requester's step">
      <bpmn:extensionElements><zeebe:assignmentDefinition assignee="=requester"/></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="e1" sourceRef="gas" targetRef="end1"/>
    <bpmn:sequenceFlow id="e2" sourceRef="review" targetRef="end2"/>
    <bpmn:sequenceFlow id="e3" sourceRef="crew" targetRef="end3"/>
    <bpmn:sequenceFlow id="e4" sourceRef="mine" targetRef="end4"/>
    <bpmn:endEvent id="end1"/>
    <bpmn:endEvent id="end2"/>
    <bpmn:endEvent id="end3"/>
    <bpmn:endEvent id="end4"/>
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → one user task `hot` offered to the work group `crew-a` → end. */
function crewFlow(processId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_${processId}" targetNamespace="http://safeflow.io/test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="hot"/>
    <bpmn:userTask id="hot" name="Hot work (crew A)">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="crew-a"/></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="hot" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;
}

/** A 1×1 PNG, a JPEG header, a WebP header and a PDF header: what the type check looks at. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60, 7)]);
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([0x24, 0, 0, 0]),
  Buffer.from('WEBPVP8 '),
  Buffer.alloc(32, 1),
]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const MAX_BYTES = 64 * 1024;

const USERS: Array<[string, string[], string[]?]> = [
  ['wu.worker', ['worker']],
  ['gu.fitter', ['worker'], ['crew-a']],
  ['wen.worker', ['worker']],
  ['ma.manager', ['manager']],
  ['su.safety', ['safety-officer']],
  ['ada.auditor', ['auditor']],
];

export function tasksSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`user tasks on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let base = '';
    let admin = '';
    const token: Record<string, string> = {};
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0));
    const call = client(() => base);

    const config = (): RuntimeConfig =>
      testConfig(db, {
        clock,
        attachmentMaxBytes: MAX_BYTES,
        // the test moves the clock by hours (boundary timers): tokens must outlive that
        tokenTtlSeconds: 7 * 24 * 3600,
      });

    /** A request whose headers are read too. */
    async function raw(path: string, who: string, init: RequestInit = {}) {
      const res = await fetch(base + path, {
        ...init,
        headers: { authorization: `Bearer ${token[who] ?? admin}`, ...(init.headers ?? {}) },
      });
      return res;
    }

    async function upload(
      taskId: string,
      who: string,
      content: Buffer,
      filename: string,
      declaredType = 'application/octet-stream',
      field = 'file',
    ) {
      const form = new FormData();
      form.append(field, new Blob([content], { type: declaredType }), filename);
      const res = await raw(`/api/tasks/${taskId}/attachments`, who, {
        method: 'POST',
        body: form,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    }

    /** A new permit instance (the clock moved on, so its tasks sort after earlier ones). */
    async function startPermit(processKey = 'tq_permit', requester = 'wu.worker') {
      clock.advance(1000);
      return startInstance(call, admin, processKey, { requester });
    }

    async function tasksOf(instanceId: string, who = 'admin', extra = '') {
      const r = await call(
        'GET',
        `/api/tasks?processInstanceId=${instanceId}${extra}`,
        token[who] ?? admin,
      );
      expect(r.status).toBe(200);
      return r.body as any[];
    }

    async function taskAt(instanceId: string, elementId: string): Promise<any> {
      const t = (await tasksOf(instanceId)).find((x) => x.elementId === elementId);
      expect(t).toBeDefined();
      return t;
    }

    const eventsOf = async (instanceId: string) =>
      (await call('GET', `/api/process-instances/${instanceId}/events`, admin)).body as any[];

    beforeAll(async () => {
      db = await open();
      runtime = await createApp(config());
      base = await runtime.listen(0);
      admin = await loginAdmin(call);
      token.admin = admin;
      expect((await call('POST', '/api/groups', admin, { name: 'crew-a' })).status).toBe(201);
      for (const [username, roles, groups] of USERS) {
        const created = await call('POST', '/api/users', admin, {
          username,
          password: 'password-123',
          roles,
          ...(groups ? { groups } : {}),
        });
        expect(created.status).toBe(201);
        const login = await call('POST', '/api/auth/login', undefined, {
          username,
          password: 'password-123',
        });
        expect(login.status).toBe(200);
        token[username] = login.body.accessToken;
      }
      // The form is deployed under a folder name; the model names it by its file name.
      const deployed = await call('POST', '/api/deployments', admin, {
        name: 'task-permit',
        resources: [
          { name: 'tq_permit.bpmn', content: permitFlow('tq_permit', 'gas-check.schema.json') },
          { name: 'forms/gas-check.schema.json', content: JSON.stringify(GAS_FORM) },
        ],
      });
      expect(deployed.status).toBe(201);
      // The deployment API refuses a broken form schema; one deployed before that check (or by a
      // tool through the host) must still give a clear answer rather than a 500.
      await runtime.engineHost.deploy(
        {
          name: 'task-broken-form',
          resources: [
            { name: 'tq_broken.bpmn', content: permitFlow('tq_broken', 'broken.schema.json') },
            { name: 'broken.schema.json', content: JSON.stringify({ type: 'no-such-type' }) },
          ],
        },
        'admin',
      );
      await deployXml(call, admin, 'tq_boundary', boundaryTimerFlow('tq_boundary'));
      await deployXml(call, admin, 'tq_crew', crewFlow('tq_crew'));
    }, 60_000);

    afterAll(async () => {
      await runtime?.close();
      await db?.drop();
    });

    it('lists open tasks with candidates, form, due date and state; gets one; 404 unknown', async () => {
      const id = await startPermit();
      const tasks = await tasksOf(id);
      expect(tasks.map((t) => t.elementId).sort()).toEqual(['crew', 'gas', 'mine', 'review']);
      const gas = tasks.find((t) => t.elementId === 'gas');
      expect(gas).toMatchObject({
        processInstanceId: id,
        name: 'Gas test',
        assignee: null,
        candidateRoles: ['worker'],
        candidateGroups: ['worker'],
        candidateUsers: [],
        formKey: 'gas-check.schema.json',
        form: GAS_FORM,
        due: '2026-12-01T08:00:00.000Z',
        priority: 80,
        state: 'open',
        completedAt: null,
        completedBy: null,
      });
      expect(gas.createdAt).toBe(new Date(clock.now()).toISOString());
      expect(tasks.find((t) => t.elementId === 'review')).toMatchObject({
        candidateRoles: ['safety-officer'],
        form: null,
        due: null,
      });
      expect(tasks.find((t) => t.elementId === 'crew').candidateUsers).toEqual(['wen.worker']);
      expect(tasks.find((t) => t.elementId === 'mine').assignee).toBe('wu.worker');

      const one = await call('GET', `/api/tasks/${gas.id}`, admin);
      expect(one).toEqual({ status: 200, body: gas });
      expect((await call('GET', `/api/tasks/${gas.id}`)).status).toBe(401);
      expect((await call('GET', '/api/tasks')).status).toBe(401);
      const unknown = await call('GET', `/api/tasks/${id}.9999`, admin);
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toContain(`${id}.9999`);
    });

    it('filters by role, group, assignee (also "me"), state; pages in a stable order', async () => {
      const id = await startPermit();
      const ids = async (who: string, q: string) =>
        (await tasksOf(id, who, q)).map((t) => t.elementId);
      expect(await ids('admin', '&candidateRole=safety-officer')).toEqual(['review']);
      expect(await ids('admin', '&candidateGroup=worker')).toEqual(['gas']);
      expect(await ids('admin', '&candidateGroup=nobody')).toEqual([]);
      expect(await ids('admin', '&assignee=wu.worker')).toEqual(['mine']);
      expect(await ids('wu.worker', '&assignee=me')).toEqual(['mine']);
      expect(await ids('admin', '&assignee=me')).toEqual([]);
      expect(await ids('admin', '&state=completed')).toEqual([]);

      const all = await tasksOf(id);
      const page1 = await raw(`/api/tasks?processInstanceId=${id}&limit=3`, 'admin');
      expect(page1.headers.get('x-total-count')).toBe('4');
      const first = (await page1.json()) as any[];
      const second = await tasksOf(id, 'admin', '&limit=3&offset=3');
      expect([...first, ...second].map((t) => t.id)).toEqual(all.map((t) => t.id));
      expect(first).toHaveLength(3);
      // the same order every time
      expect((await tasksOf(id)).map((t) => t.id)).toEqual(all.map((t) => t.id));

      // tasks of an earlier instance come first (created earlier)
      const later = await startPermit();
      const both = (await call('GET', '/api/tasks?limit=500', admin)).body as any[];
      const positions = both
        .map((t, i) => [t.processInstanceId, i] as const)
        .filter(([p]) => p === id || p === later);
      expect(positions.slice(0, 4).every(([p]) => p === id)).toBe(true);
      expect(positions.slice(4).every(([p]) => p === later)).toBe(true);

      for (const bad of ['limit=0', 'limit=501', 'limit=x', 'offset=-1', 'state=closed']) {
        const r = await call('GET', `/api/tasks?${bad}`, admin);
        expect(r.status).toBe(400);
        expect(r.body.errors[0].field).toBe(bad.split('=')[0]);
      }
    });

    it('validates completion data against the form: 422 with paths, nothing changed', async () => {
      const id = await startPermit();
      const gas = await taskAt(id, 'gas');
      const before = (await eventsOf(id)).length;
      const bad = await call('POST', `/api/tasks/${gas.id}/complete`, token['wu.worker'], {
        variables: { gasReadings: [{ o2: 17, lelPct: 0 }, { o2: 21 }], sampledAt: 'yesterday' },
      });
      expect(bad.status).toBe(422);
      expect(bad.body).toMatchObject({ statusCode: 422, code: 'FORM_INVALID' });
      expect(bad.body.message).toContain('/gasReadings/0/o2');
      expect(bad.body.errors).toEqual(
        expect.arrayContaining([
          { path: '/gasReadings/0/o2', message: 'must be >= 19.5' },
          { path: '/gasReadings/1/lelPct', message: 'is required' },
          { path: '/sampledAt', message: 'must match format "date-time"' },
          { path: '/tester', message: 'is required' },
        ]),
      );
      expect(bad.body.errors).toHaveLength(4);
      expect((await eventsOf(id)).length).toBe(before);
      expect((await call('GET', `/api/tasks/${gas.id}`, admin)).body.state).toBe('open');

      const empty = await call('POST', `/api/tasks/${gas.id}/complete`, admin, {});
      expect(empty.status).toBe(422);

      const ok = await call('POST', `/api/tasks/${gas.id}/complete`, token['wu.worker'], {
        variables: GOOD_GAS,
      });
      expect(ok.status).toBe(200);
      expect(ok.body.processInstance.variables.tester).toBe('wu.worker');
      // a task without a form takes any variables
      const review = await taskAt(id, 'review');
      expect(
        (
          await call('POST', `/api/tasks/${review.id}/complete`, token['su.safety'], {
            variables: { anything: [1, 'two'] },
          })
        ).status,
      ).toBe(200);
    });

    it('refuses a form schema that does not compile with a 400 naming the resource', async () => {
      const id = await startPermit('tq_broken');
      const gas = await taskAt(id, 'gas');
      expect(gas.form).toEqual({ type: 'no-such-type' });
      const r = await call('POST', `/api/tasks/${gas.id}/complete`, admin, { variables: {} });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('FORM_SCHEMA_INVALID');
      expect(r.body.message).toContain('broken.schema.json');
      expect((await call('GET', `/api/tasks/${gas.id}`, admin)).body.state).toBe('open');
    });

    it('keeps completed and cancelled tasks as history; a closed task is 409', async () => {
      const id = await startPermit();
      const gas = await taskAt(id, 'gas');
      clock.advance(5000);
      const done = await call('POST', `/api/tasks/${gas.id}/complete`, token['wu.worker'], {
        variables: GOOD_GAS,
      });
      expect(done.status).toBe(200);
      expect((await tasksOf(id)).map((t) => t.elementId)).not.toContain('gas');
      const history = await tasksOf(id, 'admin', '&state=completed');
      expect(history).toEqual([
        expect.objectContaining({
          id: gas.id,
          state: 'completed',
          completedBy: 'wu.worker',
          completedAt: new Date(clock.now()).toISOString(),
          form: GAS_FORM,
        }),
      ]);
      expect((await tasksOf(id, 'admin', '&state=all')).map((t) => t.id)).toContain(gas.id);
      expect((await call('GET', `/api/tasks/${gas.id}`, admin)).body.state).toBe('completed');

      for (const path of ['complete', 'claim', 'unclaim']) {
        const r = await call('POST', `/api/tasks/${gas.id}/${path}`, admin, {});
        expect(r.status, path).toBe(409);
      }
      expect(
        (await call('POST', `/api/tasks/${gas.id}/assign`, admin, { assignee: 'wu.worker' }))
          .status,
      ).toBe(409);

      // a boundary timer cancels its task: a cancelled history row, closed by the scheduler
      clock.advance(1000);
      const late = await startInstance(call, admin, 'tq_boundary');
      const inspect = await taskAt(late, 'inspect');
      clock.advance(60 * 60_000);
      await runtime.timers.tick();
      const cancelled = await tasksOf(late, 'admin', '&state=cancelled');
      expect(cancelled).toEqual([
        expect.objectContaining({
          id: inspect.id,
          state: 'cancelled',
          completedAt: new Date(clock.now()).toISOString(),
        }),
      ]);
      expect((await tasksOf(late)).map((t) => t.elementId)).toEqual(['escalated']);
    });

    it('claims, unclaims and assigns as audited task.assigned events', async () => {
      const id = await startPermit();
      const gas = await taskAt(id, 'gas');
      const claim = (who: string) => call('POST', `/api/tasks/${gas.id}/claim`, token[who], {});
      const unclaim = (who: string) => call('POST', `/api/tasks/${gas.id}/unclaim`, token[who], {});
      const assign = (who: string, assignee: unknown) =>
        call('POST', `/api/tasks/${gas.id}/assign`, token[who], { assignee });

      const claimed = await claim('wu.worker');
      expect(claimed.status).toBe(200);
      expect(claimed.body).toMatchObject({ id: gas.id, assignee: 'wu.worker', state: 'open' });
      expect((await claim('wu.worker')).body.assignee).toBe('wu.worker'); // holding it: no change
      const taken = await claim('ma.manager');
      expect(taken.status).toBe(409);
      expect(taken.body.message).toContain("assigned to 'wu.worker'");
      expect((await claim('wen.worker')).status).toBe(403); // no longer offered to wen
      expect((await unclaim('wen.worker')).status).toBe(403);

      expect((await unclaim('wu.worker')).body.assignee).toBeNull();
      expect((await claim('wen.worker')).body.assignee).toBe('wen.worker');
      expect((await assign('wu.worker', 'wu.worker')).status).toBe(403); // workers do not assign
      expect((await assign('ada.auditor', 'wu.worker')).status).toBe(403);
      const handed = await assign('ma.manager', 'wu.worker');
      expect(handed.status).toBe(200);
      expect(handed.body.assignee).toBe('wu.worker');
      const noUser = await assign('ma.manager', 'no.such.user');
      expect(noUser.status).toBe(400);
      expect(noUser.body.message).toContain('no.such.user');
      expect((await assign('ma.manager', 5)).status).toBe(400);
      expect((await call('POST', `/api/tasks/${gas.id}/assign`, admin, {})).status).toBe(400);
      expect((await unclaim('su.safety')).body.assignee).toBeNull(); // a supervisor takes it back
      expect((await assign('su.safety', 'wen.worker')).body.assignee).toBe('wen.worker');
      expect((await assign('admin', null)).body.assignee).toBeNull();

      const assigned = (await eventsOf(id)).filter((e) => e.type === 'task.assigned');
      expect(assigned.map((e) => [e.actor, e.payload.assignee, e.payload.previous])).toEqual([
        ['wu.worker', 'wu.worker', null],
        ['wu.worker', null, 'wu.worker'],
        ['wen.worker', 'wen.worker', null],
        ['ma.manager', 'wu.worker', 'wen.worker'],
        ['su.safety', null, 'wu.worker'],
        ['su.safety', 'wen.worker', null],
        ['admin', null, 'wen.worker'],
      ]);
      expect(assigned.every((e) => e.payload.taskId === gas.id)).toBe(true);
      expect(
        (await call('GET', `/api/audit/verify?processInstanceId=${id}`, admin)).body.valid,
      ).toBe(true);

      for (const path of ['claim', 'unclaim', 'complete']) {
        expect((await call('POST', `/api/tasks/${id}.9999/${path}`, admin, {})).status).toBe(404);
      }
      expect(
        (await call('POST', `/api/tasks/${id}.9999/assign`, admin, { assignee: null })).status,
      ).toBe(404);
    });

    it('of two concurrent claims of one task exactly one wins', async () => {
      for (let round = 0; round < 3; round++) {
        const id = await startPermit();
        const gas = await taskAt(id, 'gas');
        const replies = await Promise.all(
          ['ma.manager', 'su.safety'].map((who) =>
            call('POST', `/api/tasks/${gas.id}/claim`, token[who], {}),
          ),
        );
        expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
        const winner = replies.find((r) => r.status === 200)!.body.assignee;
        expect((await call('GET', `/api/tasks/${gas.id}`, admin)).body.assignee).toBe(winner);
        const assigned = (await eventsOf(id)).filter((e) => e.type === 'task.assigned');
        expect(assigned.map((e) => e.payload.assignee)).toEqual([winner]);
      }
    });

    it('shows a worker only its own tasks and those offered to it, and lets it act on no others', async () => {
      const id = await startPermit();
      const seen = async (who: string) => (await tasksOf(id, who)).map((t) => t.elementId).sort();
      expect(await seen('wu.worker')).toEqual(['gas', 'mine']);
      expect(await seen('wen.worker')).toEqual(['crew', 'gas']);
      expect(await seen('ada.auditor')).toEqual(['crew', 'gas', 'mine', 'review']);
      expect(await seen('su.safety')).toEqual(['crew', 'gas', 'mine', 'review']);
      const allForWu = (await call('GET', '/api/tasks?limit=500', token['wu.worker']))
        .body as any[];
      expect(
        allForWu.every((t) => t.assignee === 'wu.worker' || t.candidateRoles.includes('worker')),
      ).toBe(true);

      const review = await taskAt(id, 'review');
      const mine = await taskAt(id, 'mine');
      const crew = await taskAt(id, 'crew');
      const refused = await call('GET', `/api/tasks/${review.id}`, token['wu.worker']);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toContain(review.id);
      for (const sub of ['comments', 'attachments'])
        expect(
          (await call('GET', `/api/tasks/${review.id}/${sub}`, token['wu.worker'])).status,
        ).toBe(403);
      expect(
        (await call('POST', `/api/tasks/${review.id}/claim`, token['wu.worker'], {})).status,
      ).toBe(403);
      expect(
        (await call('POST', `/api/tasks/${review.id}/complete`, token['wu.worker'], {})).status,
      ).toBe(403);
      expect(
        (await call('POST', `/api/tasks/${mine.id}/complete`, token['wen.worker'], {})).status,
      ).toBe(403);
      expect(
        (await call('POST', `/api/tasks/${review.id}/comments`, token['wu.worker'], { text: 'x' }))
          .status,
      ).toBe(403);
      expect((await upload(review.id, 'wu.worker', PNG, 'x.png')).status).toBe(403);
      // offered to wen by name: wen works it
      expect(
        (await call('POST', `/api/tasks/${crew.id}/claim`, token['wen.worker'], {})).status,
      ).toBe(200);
      expect(
        (await call('POST', `/api/tasks/${crew.id}/complete`, token['wen.worker'], {})).status,
      ).toBe(200);
      // and still sees it in the history
      expect((await tasksOf(id, 'wen.worker', '&state=completed')).map((t) => t.id)).toEqual([
        crew.id,
      ]);
      expect((await tasksOf(id, 'wu.worker', '&state=completed')).map((t) => t.id)).toEqual([]);
    });

    it('offers a task to the members of its candidate group (the groups claim of its token)', async () => {
      clock.advance(1000);
      const id = await startInstance(call, admin, 'tq_crew');
      const hot = await taskAt(id, 'hot');
      expect(hot).toMatchObject({ candidateGroups: ['crew-a'], assignee: null });
      expect((await tasksOf(id, 'gu.fitter')).map((t) => t.id)).toEqual([hot.id]);
      expect(await tasksOf(id, 'wu.worker')).toEqual([]);
      expect((await call('GET', `/api/tasks/${hot.id}`, token['wu.worker'])).status).toBe(403);
      expect(
        (await call('POST', `/api/tasks/${hot.id}/claim`, token['wu.worker'], {})).status,
      ).toBe(403);
      expect((await tasksOf(id, 'admin', '&candidateGroup=crew-a')).map((t) => t.id)).toEqual([
        hot.id,
      ]);
      const claimed = await call('POST', `/api/tasks/${hot.id}/claim`, token['gu.fitter'], {});
      expect(claimed.body.assignee).toBe('gu.fitter');
      expect(
        (await call('POST', `/api/tasks/${hot.id}/complete`, token['gu.fitter'], {})).status,
      ).toBe(200);
    });

    it('completes a task held by someone else only as admin or manager; the auditor writes nothing', async () => {
      const id = await startPermit();
      const mine = await taskAt(id, 'mine');
      const held = await call('POST', `/api/tasks/${mine.id}/complete`, token['su.safety'], {});
      expect(held.status).toBe(409);
      expect(held.body.code).toBe('TASK_ASSIGNED_TO_OTHER');
      const gas = await taskAt(id, 'gas');
      for (const [method, path, body] of [
        ['POST', `/api/tasks/${mine.id}/complete`, {}],
        ['POST', `/api/tasks/${mine.id}/claim`, {}],
        ['POST', `/api/tasks/${mine.id}/unclaim`, {}],
        ['POST', `/api/tasks/${mine.id}/assign`, { assignee: 'wu.worker' }],
        ['POST', `/api/tasks/${mine.id}/comments`, { text: 'seen' }],
      ] as const) {
        expect((await call(method, path, token['ada.auditor'], body)).status, path).toBe(403);
      }
      expect((await upload(gas.id, 'ada.auditor', PNG, 'x.png')).status).toBe(403);
      expect((await call('GET', `/api/tasks/${mine.id}`, token['ada.auditor'])).status).toBe(200);

      const done = await call('POST', `/api/tasks/${mine.id}/complete`, token['ma.manager'], {});
      expect(done.status).toBe(200);
      const row = (await call('GET', `/api/tasks/${mine.id}`, admin)).body;
      expect(row).toMatchObject({
        state: 'completed',
        assignee: 'wu.worker',
        completedBy: 'ma.manager',
      });
    });

    it('keeps comments on a task, in order, readable after it closes', async () => {
      const id = await startPermit();
      const gas = await taskAt(id, 'gas');
      const first = await call('POST', `/api/tasks/${gas.id}/comments`, token['wu.worker'], {
        text: 'Flange leaking near the pump 泵附近法兰泄漏',
      });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        id: expect.any(String),
        taskId: gas.id,
        processInstanceId: id,
        author: 'wu.worker',
        text: 'Flange leaking near the pump 泵附近法兰泄漏',
        createdAt: new Date(clock.now()).toISOString(),
      });
      const second = await call('POST', `/api/tasks/${gas.id}/comments`, token['su.safety'], {
        text: 'Isolated; retest after 30 min',
      });
      expect(second.status).toBe(201);
      for (const text of ['', '   ', 'x'.repeat(4001), 42]) {
        const r = await call('POST', `/api/tasks/${gas.id}/comments`, admin, { text });
        expect(r.status).toBe(400);
      }
      expect((await call('POST', `/api/tasks/${gas.id}/comments`, admin, {})).status).toBe(400);
      expect(
        (await call('POST', `/api/tasks/${id}.9999/comments`, admin, { text: 'x' })).status,
      ).toBe(404);
      expect((await call('GET', `/api/tasks/${id}.9999/comments`, admin)).status).toBe(404);
      expect(
        (await call('POST', `/api/tasks/${gas.id}/comments`, admin, { text: 'x'.repeat(4000) }))
          .status,
      ).toBe(201);

      await call('POST', `/api/tasks/${gas.id}/complete`, admin, { variables: GOOD_GAS });
      const after = await call('GET', `/api/tasks/${gas.id}/comments`, token['ada.auditor']);
      expect(after.status).toBe(200);
      expect(after.body.map((c: any) => c.author)).toEqual(['wu.worker', 'su.safety', 'admin']);
      expect(after.body[0]).toEqual(first.body);
      const closed = await call('POST', `/api/tasks/${gas.id}/comments`, admin, { text: 'late' });
      expect(closed.status).toBe(409);
    });

    it('stores attachments checked by content under the data folder; downloads them', async () => {
      const id = await startPermit();
      const gas = await taskAt(id, 'gas');
      const png = await upload(gas.id, 'wu.worker', PNG, '../../etc/passwd.png', 'text/plain');
      expect(png.status).toBe(201);
      const sha = createHash('sha256').update(PNG).digest('hex');
      expect(png.body).toEqual({
        id: expect.any(String),
        taskId: gas.id,
        processInstanceId: id,
        filename: 'passwd.png',
        contentType: 'image/png',
        size: PNG.length,
        sha256: sha,
        uploadedBy: 'wu.worker',
        createdAt: new Date(clock.now()).toISOString(),
      });
      const folder = join(config().dataDir, 'attachments', id);
      expect(readdirSync(folder)).toEqual([png.body.id]);
      expect(readFileSync(join(folder, png.body.id)).equals(PNG)).toBe(true);
      expect(existsSync(join(config().dataDir, 'etc'))).toBe(false);

      const down = await raw(`/api/attachments/${png.body.id}`, 'ada.auditor');
      expect(down.status).toBe(200);
      expect(down.headers.get('content-type')).toBe('image/png');
      expect(down.headers.get('x-content-type-options')).toBe('nosniff');
      expect(down.headers.get('content-disposition')).toBe(
        `attachment; filename="passwd.png"; filename*=UTF-8''passwd.png`,
      );
      expect(Buffer.from(await down.arrayBuffer()).equals(PNG)).toBe(true);

      const jpeg = await upload(gas.id, 'wu.worker', JPEG, '动火现场 "hazard".jpg', 'image/png');
      expect(jpeg.status).toBe(201);
      expect(jpeg.body).toMatchObject({
        contentType: 'image/jpeg',
        filename: '动火现场 _hazard_.jpg',
      });
      const jd = await raw(`/api/attachments/${jpeg.body.id}`, 'wu.worker');
      expect(jd.headers.get('content-type')).toBe('image/jpeg');
      expect(jd.headers.get('content-disposition')).toBe(
        `attachment; filename="____ _hazard_.jpg"; filename*=UTF-8''${encodeURIComponent('动火现场 _hazard_.jpg')}`,
      );
      await jd.arrayBuffer();
      expect((await upload(gas.id, 'admin', WEBP, 'site.webp')).body.contentType).toBe(
        'image/webp',
      );
      expect((await upload(gas.id, 'admin', PDF, 'permit.pdf')).body.contentType).toBe(
        'application/pdf',
      );

      // refused: not an accepted type whatever it claims, too large, missing, empty
      const exe = await upload(
        gas.id,
        'admin',
        Buffer.from('MZ\x90\x00 not an image'),
        'a.png',
        'image/png',
      );
      expect(exe.status).toBe(415);
      expect(exe.body.message).toContain('JPEG, PNG, WebP or PDF');
      const big = Buffer.concat([PNG, Buffer.alloc(MAX_BYTES, 0)]);
      expect((await upload(gas.id, 'admin', big, 'big.png', 'image/png')).status).toBe(413);
      expect((await upload(gas.id, 'admin', PNG, 'x.png', 'image/png', 'photo')).status).toBe(400);
      expect((await upload(gas.id, 'admin', Buffer.alloc(0), 'x.png')).status).toBe(400);
      expect((await upload(`${id}.9999`, 'admin', PNG, 'x.png')).status).toBe(404);
      expect((await call('GET', `/api/tasks/${id}.9999/attachments`, admin)).status).toBe(404);
      expect(readdirSync(folder)).toHaveLength(4);

      const listed = await call('GET', `/api/tasks/${gas.id}/attachments`, token['ada.auditor']);
      expect(listed.status).toBe(200);
      expect(listed.body.map((a: any) => a.contentType)).toEqual([
        'image/png',
        'image/jpeg',
        'image/webp',
        'application/pdf',
      ]);
      expect(listed.body[0]).toEqual(png.body);
      expect((await raw('/api/attachments/no-such-attachment', 'admin')).status).toBe(404);
      const review = await taskAt(id, 'review');
      const hidden = await upload(review.id, 'admin', PNG, 'r.png');
      expect((await raw(`/api/attachments/${hidden.body.id}`, 'wu.worker')).status).toBe(403);

      // history: the attachments outlive the task; nothing more is added to a closed task
      await call('POST', `/api/tasks/${gas.id}/complete`, admin, { variables: GOOD_GAS });
      expect((await call('GET', `/api/tasks/${gas.id}/attachments`, admin)).body).toHaveLength(4);
      expect((await raw(`/api/attachments/${png.body.id}`, 'admin')).status).toBe(200);
      expect((await upload(gas.id, 'admin', PNG, 'late.png')).status).toBe(409);
    });
  });
}
