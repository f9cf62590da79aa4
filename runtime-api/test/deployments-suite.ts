/**
 * Deployments end to end, once per database: multipart upload next to JSON, resource validation
 * (form schemas, rule sets, unknown types, forms named by user tasks), upload limits, listing and
 * reading deployments and process definitions (with their XML), and who may deploy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type RuntimeApp } from '@safeflow/runtime-api';
import type { TestDatabase } from './api-suite.js';
import { client, loginAdmin, testConfig, userToken } from './http.js';

/** start → user task `fill` (formKey `formKey`, if any) → end. */
function formFlow(processId: string, formKey?: string, extra = ''): string {
  const form = formKey
    ? `<bpmn:extensionElements><zeebe:formDefinition formKey="${formKey}"/></bpmn:extensionElements>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_${processId}" targetNamespace="http://safeflow.io/test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fill"/>
    <bpmn:userTask id="fill" name="Fill in">
      ${form}
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="end"/>
    <bpmn:endEvent id="end"/>${extra}
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → user task `fill` linked to a Camunda form by formId → end. */
function linkedFormFlow(processId: string, formId: string): string {
  return formFlow(processId).replace(
    '<bpmn:userTask id="fill" name="Fill in">',
    `<bpmn:userTask id="fill" name="Fill in"><bpmn:extensionElements><zeebe:formDefinition formId="${formId}"/></bpmn:extensionElements>`,
  );
}

const GAS_FORM = JSON.stringify(
  {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Gas test',
    'x-title-zh': '气体检测',
    type: 'object',
    properties: {
      lelPct: { type: 'number', minimum: 0, maximum: 100 },
      sampledAt: { type: 'string', format: 'date-time' },
    },
    required: ['lelPct'],
  },
  null,
  2,
);

interface Upload {
  name: string;
  content: string | Uint8Array;
}

export function deploymentsSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`deployments on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let base = '';
    let admin = '';
    const tokens: Record<string, string> = {};
    const call = client(() => base);

    /** POST /api/deployments as multipart/form-data. */
    async function upload(
      token: string,
      deploymentName: string | undefined,
      files: Upload[],
      fields: Record<string, string> = {},
    ) {
      const form = new FormData();
      if (deploymentName !== undefined) form.append('name', deploymentName);
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      for (const f of files) form.append('resources', new Blob([f.content]), f.name);
      const res = await fetch(`${base}/api/deployments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    }

    /** A GET answered with text, not JSON. */
    async function raw(path: string, token = admin) {
      const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
      return {
        status: res.status,
        text: await res.text(),
        type: res.headers.get('content-type'),
        headers: res.headers,
      };
    }

    async function list(query = '') {
      const res = await fetch(`${base}/api/deployments${query}`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      return {
        status: res.status,
        body: (await res.json()) as any,
        total: res.headers.get('x-total-count'),
      };
    }

    beforeAll(async () => {
      db = await open();
      runtime = await createApp(testConfig(db));
      base = await runtime.listen(0);
      admin = await loginAdmin(call);
      for (const role of ['worker', 'auditor', 'integrator', 'safety-officer']) {
        const username = `dep.${role}`;
        tokens[role] = await userToken(call, admin, username, [role]);
      }
    }, 60_000);

    afterAll(async () => {
      await runtime?.close();
      await db?.drop();
    });

    it('deploys a BPMN with its form schema over multipart; the same content again is no new version', async () => {
      const files = [
        { name: 'gas-permit.bpmn', content: formFlow('dep_gas', 'gas.schema.json') },
        { name: 'gas.schema.json', content: GAS_FORM },
      ];
      const first = await upload(admin, 'gas permit', files);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        id: expect.any(String),
        processes: [{ id: 'dep_gas', key: 'dep_gas:1', version: 1 }],
      });
      const again = await upload(tokens['integrator']!, 'gas permit again', files);
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(first.body.id);
      expect(again.body.processes).toEqual([{ id: 'dep_gas', key: 'dep_gas:1', version: 1 }]);
      // The same text sent as JSON is the same content too.
      const asJson = await call('POST', '/api/deployments', admin, {
        name: 'gas permit as JSON',
        resources: files,
      });
      expect(asJson.status).toBe(201);
      expect(asJson.body.processes).toEqual([{ id: 'dep_gas', key: 'dep_gas:1', version: 1 }]);
      const changed = await upload(tokens['safety-officer']!, 'gas permit v2', [
        { name: 'gas-permit.bpmn', content: formFlow('dep_gas', 'gas.schema.json', '\n    ') },
        files[1]!,
      ]);
      expect(changed.status).toBe(201);
      expect(changed.body.processes).toEqual([{ id: 'dep_gas', key: 'dep_gas:2', version: 2 }]);
      const defs = (await call('GET', '/api/process-definitions', admin)).body as any[];
      expect(defs.filter((d) => d.id === 'dep_gas').map((d) => d.key)).toEqual([
        'dep_gas:1',
        'dep_gas:2',
      ]);

      // The form is served as uploaded and the task carries its key.
      const form = await raw(`/api/deployments/${first.body.id}/resources/gas.schema.json`);
      expect(form.status).toBe(200);
      expect(form.text).toBe(GAS_FORM);
      expect(form.type).toBe('application/schema+json; charset=utf-8');
      expect(form.headers.get('x-content-type-options')).toBe('nosniff');
      const started = await call('POST', '/api/process-instances', admin, {
        processKey: 'dep_gas:1',
      });
      expect(started.status).toBe(201);
      const tasks = await call('GET', `/api/tasks?processInstanceId=${started.body.id}`, admin);
      expect(tasks.body[0].formKey).toBe('gas.schema.json');
    });

    it('lists deployments newest first without contents, pages them, and reads one', async () => {
      const a = await upload(admin, 'list A', [
        { name: 'a.bpmn', content: formFlow('dep_list_a') },
      ]);
      const b = await call('POST', '/api/deployments', admin, {
        name: 'list B',
        resources: [
          { name: 'b.bpmn', content: formFlow('dep_list_b', 'b.form.json') },
          { name: 'b.form.json', content: '{"type":"object"}' },
          { name: 'b.rules.json', content: '{"rules":[]}' },
        ],
      });
      expect([a.status, b.status]).toEqual([201, 201]);
      const all = await list();
      expect(all.status).toBe(200);
      const total = Number(all.total);
      expect(total).toBe(all.body.length);
      expect(all.body.slice(0, 2).map((d: any) => d.name)).toEqual(['list B', 'list A']);
      expect(all.body[0]).toEqual({
        id: b.body.id,
        name: 'list B',
        processes: [{ id: 'dep_list_b', key: 'dep_list_b:1', version: 1 }],
        createdBy: 'admin',
        createdAt: expect.any(String),
      });
      const page = await list('?limit=1&offset=1');
      expect(page.total).toBe(String(total));
      expect(page.body.map((d: any) => d.id)).toEqual([a.body.id]);
      for (const bad of ['?limit=0', '?limit=501', '?offset=-1', '?limit=x', '?sort=name']) {
        const r = await list(bad);
        expect(r.status, bad).toBe(400);
      }

      const one = await call('GET', `/api/deployments/${b.body.id}`, tokens['auditor']);
      expect(one.status).toBe(200);
      expect(one.body.resources).toEqual([
        { name: 'b.bpmn', kind: 'bpmn', size: expect.any(Number) },
        { name: 'b.form.json', kind: 'form', size: 17 },
        { name: 'b.rules.json', kind: 'rules', size: 12 },
      ]);
      expect(JSON.stringify(one.body)).not.toContain('userTask');
      const rules = await raw(`/api/deployments/${b.body.id}/resources/b.rules.json`);
      expect([rules.status, rules.text, rules.type]).toEqual([
        200,
        '{"rules":[]}',
        'application/json; charset=utf-8',
      ]);
      const bpmn = await raw(`/api/deployments/${a.body.id}/resources/a.bpmn`);
      expect(bpmn.type).toBe('application/xml; charset=utf-8');
      expect(bpmn.text).toBe(formFlow('dep_list_a'));

      const noDeployment = await call('GET', '/api/deployments/nope', admin);
      expect(noDeployment.status).toBe(404);
      expect(noDeployment.body.code).toBe('DEPLOYMENT_NOT_FOUND');
      const noResource = await call('GET', `/api/deployments/${a.body.id}/resources/x.bpmn`, admin);
      expect(noResource.status).toBe(404);
      expect(noResource.body.message).toContain("'a.bpmn'");
      expect((await call('GET', `/api/deployments/nope/resources/a.bpmn`, admin)).status).toBe(404);
    });

    it('refuses a form that is not JSON, with its line and column', async () => {
      const broken =
        '{\n  "type": "object",\n  "properties": {\n    "lel": { "type": "number", }\n  }\n}';
      for (const send of ['multipart', 'json'] as const) {
        const files = [
          { name: 'p.bpmn', content: formFlow('dep_badjson', 'p.schema.json') },
          { name: 'p.schema.json', content: broken },
        ];
        const r =
          send === 'multipart'
            ? await upload(admin, 'bad json', files)
            : await call('POST', '/api/deployments', admin, { name: 'bad json', resources: files });
        expect(r.status, send).toBe(400);
        expect(r.body.errors).toEqual([
          {
            code: 'INVALID_JSON',
            resource: 'p.schema.json',
            line: 4,
            column: 30,
            message: "not JSON at line 4, column 30: a trailing comma before '}' is not allowed",
          },
        ]);
        expect(r.body.message).toContain('p.schema.json');
      }
      const rules = await upload(admin, 'bad rules', [
        { name: 'permit.rules.json', content: '[1, 2' },
      ]);
      expect(rules.status).toBe(400);
      expect(rules.body.errors[0]).toMatchObject({
        code: 'INVALID_JSON',
        resource: 'permit.rules.json',
        line: 1,
        column: 6,
      });
      // Nothing of a refused deployment is kept: the process is unknown.
      expect((await call('GET', '/api/process-definitions/dep_badjson', admin)).status).toBe(404);
    });

    it('refuses a form that is not a JSON Schema, naming the schema path', async () => {
      const cases: Array<[string, object, string]> = [
        [
          'typo in a type',
          { type: 'object', properties: { lel: { type: 'nubmer' } } },
          '/properties/lel/type',
        ],
        [
          'unknown keyword',
          { type: 'object', properties: { lel: { type: 'number', minimun: 0 } } },
          '/properties/lel/minimun',
        ],
        [
          'unknown format',
          { type: 'object', properties: { at: { type: 'string', format: 'datetime' } } },
          '/properties/at',
        ],
        [
          'negative length',
          { type: 'object', properties: { n: { type: 'string', minLength: -1 } } },
          '/properties/n/minLength',
        ],
        ['not an object', [] as unknown as object, '/'],
      ];
      for (const [label, schema, path] of cases) {
        const r = await upload(admin, label, [
          { name: 'p.bpmn', content: formFlow('dep_badschema', 'p.schema.json') },
          { name: 'p.schema.json', content: JSON.stringify(schema) },
        ]);
        expect(r.status, label).toBe(400);
        expect(r.body.errors, label).toEqual([
          expect.objectContaining({
            code: 'INVALID_FORM_SCHEMA',
            resource: 'p.schema.json',
            schemaPath: path,
          }),
        ]);
      }
    });

    it('refuses unknown resource types and duplicate names, naming them', async () => {
      const r = await call('POST', '/api/deployments', admin, {
        name: 'odd files',
        resources: [
          { name: 'ok.bpmn', content: formFlow('dep_odd') },
          { name: 'notes.txt', content: 'hello' },
          { name: 'form.json', content: '{}' },
        ],
      });
      expect(r.status).toBe(400);
      expect(r.body.errors.map((e: any) => [e.code, e.resource])).toEqual([
        ['UNSUPPORTED_RESOURCE', 'notes.txt'],
        ['UNSUPPORTED_RESOURCE', 'form.json'],
      ]);
      expect(r.body.errors[0].message).toContain('.schema.json');
      const twice = await upload(admin, 'twice', [
        { name: 'a.bpmn', content: formFlow('dep_twice') },
        { name: 'a.bpmn', content: formFlow('dep_twice') },
      ]);
      expect(twice.status).toBe(400);
      expect(twice.body.errors).toEqual([
        expect.objectContaining({ code: 'DUPLICATE_RESOURCE', resource: 'a.bpmn' }),
      ]);
    });

    it('refuses a user task whose form is not deployed with it, like Camunda 8', async () => {
      const missing = await upload(admin, 'no form', [
        { name: 'permit.bpmn', content: formFlow('dep_noform', 'permit.schema.json') },
      ]);
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([
        {
          code: 'FORM_NOT_FOUND',
          resource: 'permit.bpmn',
          elementId: 'fill',
          line: 6,
          message: expect.stringContaining("'permit.schema.json'"),
        },
      ]);
      const linked = await upload(admin, 'no linked form', [
        { name: 'linked.bpmn', content: linkedFormFlow('dep_linked', 'gas-check') },
      ]);
      expect(linked.status).toBe(400);
      expect(linked.body.errors[0]).toMatchObject({ code: 'FORM_NOT_FOUND', elementId: 'fill' });
      expect(linked.body.errors[0].message).toContain("'gas-check.schema.json'");
      // A linked form deployed with the process, and a key of an external form app, are fine.
      const withLinked = await upload(admin, 'linked form', [
        { name: 'linked.bpmn', content: linkedFormFlow('dep_linked', 'gas-check') },
        { name: 'gas-check.schema.json', content: GAS_FORM },
      ]);
      expect(withLinked.status).toBe(201);
      const external = await upload(admin, 'external form', [
        { name: 'ext.bpmn', content: formFlow('dep_external', 'permit-app:gas-check') },
      ]);
      expect(external.status).toBe(201);
      // The refused deployment left no version behind: the first good one is version 1.
      const fixed = await upload(admin, 'with form', [
        { name: 'permit.bpmn', content: formFlow('dep_noform', 'permit.schema.json') },
        { name: 'permit.schema.json', content: GAS_FORM },
      ]);
      expect(fixed.body.processes).toEqual([{ id: 'dep_noform', key: 'dep_noform:1', version: 1 }]);
    });

    it('refuses malformed multipart requests with 400 naming the problem', async () => {
      const bpmn = { name: 'm.bpmn', content: formFlow('dep_multipart') };
      const noName = await upload(admin, undefined, [bpmn]);
      expect(noName.status).toBe(400);
      expect(noName.body.errors[0].field).toBe('name');
      const noFiles = await upload(admin, 'nothing', []);
      expect(noFiles.status).toBe(400);
      expect(noFiles.body.errors[0].field).toBe('files');
      const extra = await upload(admin, 'extra', [bpmn], { version: '3' });
      expect(extra.status).toBe(400);
      expect(extra.body.errors[0].field).toBe('version');
      const binary = await upload(admin, 'binary', [
        { name: 'bin.bpmn', content: new Uint8Array([0x3c, 0xff, 0xfe, 0x00]) },
      ]);
      expect(binary.status).toBe(400);
      expect(binary.body.message).toContain("'bin.bpmn' is not UTF-8 text");
      const empty = await upload(admin, 'empty', [{ name: 'e.bpmn', content: '' }]);
      expect(empty.status).toBe(400);
      expect(empty.body.message).toContain("'e.bpmn' is empty");
      const noBoundary = await fetch(`${base}/api/deployments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'multipart/form-data' },
        body: 'name=x',
      });
      expect(noBoundary.status).toBe(400);
      expect(((await noBoundary.json()) as any).code).toBe('INVALID_UPLOAD');
    });

    it('answers 413 naming the limit when an upload is too large', async () => {
      const bpmn = { name: 'big.bpmn', content: formFlow('dep_big') };
      const big = await upload(admin, 'big', [
        bpmn,
        { name: 'huge.schema.json', content: `{"description":"${'x'.repeat(5 * 1024 * 1024)}"}` },
      ]);
      expect(big.status).toBe(413);
      expect(big.body).toMatchObject({ code: 'UPLOAD_TOO_LARGE' });
      expect(big.body.message).toContain("'huge.schema.json'");
      expect(big.body.message).toContain('5 MiB');
      const many = await upload(
        admin,
        'many',
        Array.from({ length: 51 }, (_, i) => ({ name: `f${i}.rules.json`, content: '{}' })),
      );
      expect(many.status).toBe(413);
      expect(many.body.message).toContain('at most 50 files');
      const chunk = 'y'.repeat(4 * 1024 * 1024);
      const together = await upload(
        admin,
        'together',
        Array.from({ length: 6 }, (_, i) => ({ name: `r${i}.rules.json`, content: `"${chunk}"` })),
      );
      expect(together.status).toBe(413);
      expect(together.body.message).toContain('20 MiB');
      // The service is fine afterwards and nothing was deployed.
      expect((await call('GET', '/api/process-definitions/dep_big', admin)).status).toBe(404);
    });

    it('lets only admins, safety officers and integrators deploy', async () => {
      const files = [{ name: 'r.bpmn', content: formFlow('dep_roles') }];
      for (const role of ['worker', 'auditor']) {
        expect((await upload(tokens[role]!, 'nope', files)).status, role).toBe(403);
        expect(
          (await call('POST', '/api/deployments', tokens[role], { name: 'nope', resources: files }))
            .status,
          role,
        ).toBe(403);
      }
      expect((await call('GET', '/api/process-definitions/dep_roles', admin)).status).toBe(404);
      for (const path of ['/api/deployments', '/api/process-definitions'])
        expect((await call('GET', path, tokens['worker'])).status).toBe(200);
      expect((await upload('not-a-token', 'x', files)).status).toBe(401);
    });

    it('serves a process definition by key or id, and the BPMN it was deployed from', async () => {
      const first = formFlow('dep_def');
      const second = formFlow('dep_def', undefined, '\n');
      const other = formFlow('dep_def_other');
      expect((await upload(admin, 'def 1', [{ name: 'def.bpmn', content: first }])).status).toBe(
        201,
      );
      const two = await upload(admin, 'def 2', [
        { name: 'other.bpmn', content: other },
        { name: 'def.bpmn', content: second },
      ]);
      expect(two.body.processes.map((p: any) => p.key).sort()).toEqual([
        'dep_def:2',
        'dep_def_other:1',
      ]);
      const v1 = await call('GET', '/api/process-definitions/dep_def:1', tokens['auditor']);
      expect(v1.status).toBe(200);
      expect(v1.body).toMatchObject({ id: 'dep_def', key: 'dep_def:1', version: 1 });
      const latest = await call('GET', '/api/process-definitions/dep_def', admin);
      expect(latest.body).toMatchObject({ key: 'dep_def:2', deploymentId: two.body.id });
      expect((await call('GET', '/api/process-definitions/dep_def:9', admin)).status).toBe(404);
      expect((await call('GET', '/api/process-definitions/nope', admin)).body.code).toBe(
        'PROCESS_NOT_FOUND',
      );

      const xml1 = await raw('/api/process-definitions/dep_def:1/xml');
      expect([xml1.status, xml1.type, xml1.text]).toEqual([
        200,
        'application/xml; charset=utf-8',
        first,
      ]);
      expect((await raw('/api/process-definitions/dep_def/xml')).text).toBe(second);
      expect((await raw('/api/process-definitions/dep_def_other:1/xml')).text).toBe(other);
      expect((await raw('/api/process-definitions/nope:1/xml')).status).toBe(404);
    });
  });
}
