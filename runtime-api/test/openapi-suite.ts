/**
 * The OpenAPI document at /api/docs-json, once per database: a well-formed OpenAPI 3 document that
 * describes every route the running app has registered (enumerated from its Express router, so a
 * new route the document misses fails here), request bodies from the validation pipes, security
 * and roles per operation; Swagger UI at /api/docs. Both are public.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { Body, Controller, Module, Post } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { createApp, type RuntimeApp } from '@safeflow/runtime-api';
import { OpenApiBody } from '../src/openapi/openapi-body.js';
import { UNDESCRIBED_BODY } from '../src/openapi/route-docs.js';
import { buildOpenApiDocument } from '../src/openapi/setup-openapi.js';
import type { TestDatabase } from './api-suite.js';
import { client, loginAdmin, testConfig } from './http.js';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Routes served for the documentation itself (Swagger UI, its assets, the JSON). */
const isDocsRoute = (path: string) => path === '/api/docs' || path.startsWith('/api/docs');

/** `METHOD /path/{param}` of every route on the app's Express router. */
function expressRoutes(runtime: RuntimeApp): string[] {
  const express = runtime.app.getHttpAdapter().getInstance() as {
    router: {
      stack: Array<{ route?: { path: string | string[]; methods: Record<string, boolean> } }>;
    };
  };
  const out = new Set<string>();
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths) {
      if (isDocsRoute(path)) continue;
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') out.add(`${method.toUpperCase()} ${toTemplate(path)}`);
      }
    }
  }
  return [...out].sort();
}

/** Express `:param` → OpenAPI `{param}`. */
const toTemplate = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Whether the handler behind an operation id (`<Controller>_<method>`) has a `@Body()` argument,
 * read from Nest's own route metadata.
 */
function readsBody(runtime: RuntimeApp, operationId: string): boolean {
  for (const mod of runtime.app.get(ModulesContainer).values())
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as any;
      if (!controller) continue;
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        if (`${controller.name}_${method}` !== operationId) continue;
        const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {};
        return Object.keys(args).some((k) => k.split(':')[0] === String(RouteParamtypes.BODY));
      }
    }
  throw new Error(`no handler for operation ${operationId}`);
}

/** Whether the handler behind an operation id takes the whole query string (`@Query()`). */
function readsWholeQuery(runtime: RuntimeApp, operationId: string): boolean {
  for (const mod of runtime.app.get(ModulesContainer).values())
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as any;
      if (!controller) continue;
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        if (`${controller.name}_${method}` !== operationId) continue;
        const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {};
        return Object.entries<any>(args).some(
          ([k, arg]) => k.split(':')[0] === String(RouteParamtypes.QUERY) && arg.data === undefined,
        );
      }
    }
  throw new Error(`no handler for operation ${operationId}`);
}

/** Values a query parameter's documentation says are valid: its example, each enum member, bounds. */
function validValues(p: any): string[] {
  const s = p.schema;
  const out: string[] = p.example !== undefined ? [String(p.example)] : [];
  if (s.enum) out.push(...s.enum.map(String));
  if (s.type === 'array' && s.items?.enum) out.push(...s.items.enum, s.items.enum.join(','));
  if (s.type === 'integer') {
    if (s.default !== undefined) out.push(String(s.default));
    if (s.minimum !== undefined) out.push(String(s.minimum));
    if (s.maximum !== undefined) out.push(String(s.maximum));
  }
  if (s.type === 'string' && !s.enum && s.pattern === undefined)
    out.push('x', 'x'.repeat(s.maxLength ?? 64));
  return out;
}

/** Values the documentation says are invalid, each from a constraint it states. */
function invalidValues(p: any): string[] {
  const s = p.schema;
  const out: string[] = [];
  if (s.enum) out.push('not-a-documented-value');
  if (s.type === 'array' && s.items?.enum) out.push(`${s.items.enum[0]},not-a-documented-value`);
  if (s.type === 'integer') out.push('1.5');
  if (s.minimum !== undefined) out.push(String(s.minimum - 1));
  if (s.maximum !== undefined) out.push(String(s.maximum + 1));
  if (s.maxLength !== undefined) out.push('x'.repeat(s.maxLength + 1));
  if (s.pattern !== undefined) out.push('does-not-match');
  return out;
}

function documentedRoutes(doc: any): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths))
    for (const method of HTTP_METHODS)
      if (item[method]) out.push(`${method.toUpperCase()} ${path}`);
  return out.sort();
}

/** The structural rules of OpenAPI 3.0 that a client generator relies on; the problems found. */
function openApiProblems(doc: any): string[] {
  const problems: string[] = [];
  const fail = (where: string, what: string) => problems.push(`${where}: ${what}`);
  if (typeof doc.openapi !== 'string' || !/^3\.\d+\.\d+$/.test(doc.openapi))
    fail('openapi', `not a 3.x.y version: ${doc.openapi}`);
  if (typeof doc.info?.title !== 'string' || typeof doc.info?.version !== 'string')
    fail('info', 'needs a title and a version');
  if (typeof doc.paths !== 'object' || doc.paths === null) fail('paths', 'missing');
  const schemes = doc.components?.securitySchemes ?? {};
  for (const [name, s] of Object.entries<any>(schemes)) {
    if (!['http', 'apiKey', 'oauth2', 'openIdConnect'].includes(s.type))
      fail(`securitySchemes.${name}`, `unknown type ${s.type}`);
    if (s.type === 'http' && typeof s.scheme !== 'string') fail(name, 'http needs a scheme');
    if (s.type === 'apiKey' && (!['header', 'query', 'cookie'].includes(s.in) || !s.name))
      fail(name, 'apiKey needs in and name');
  }
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    if (!path.startsWith('/')) fail(path, 'a path must start with /');
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries<any>(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!HTTP_METHODS.includes(method)) {
        if (method !== 'parameters' && method !== 'summary' && method !== 'description')
          fail(where, 'not an HTTP method');
        continue;
      }
      if (typeof op.operationId !== 'string') fail(where, 'no operationId');
      else if (operationIds.has(op.operationId)) fail(where, `duplicate operationId`);
      else operationIds.add(op.operationId);
      const responses = Object.entries<any>(op.responses ?? {});
      if (responses.length === 0) fail(where, 'no responses');
      for (const [code, r] of responses) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) fail(where, `bad response code ${code}`);
        if (typeof r.description !== 'string') fail(where, `response ${code} has no description`);
      }
      const params: any[] = op.parameters ?? [];
      for (const p of params) {
        if (typeof p.name !== 'string' || !['query', 'header', 'path', 'cookie'].includes(p.in))
          fail(where, `bad parameter ${JSON.stringify(p)}`);
        if (p.in === 'path' && p.required !== true)
          fail(where, `path parameter ${p.name} optional`);
        if (p.in === 'path' && !templated.includes(p.name))
          fail(where, `path parameter ${p.name} not in the path`);
      }
      for (const name of templated)
        if (!params.some((p) => p.in === 'path' && p.name === name))
          fail(where, `{${name}} is not declared as a path parameter`);
      if (op.requestBody) {
        const content = Object.entries<any>(op.requestBody.content ?? {});
        if (content.length === 0) fail(where, 'requestBody without content');
        for (const [type, media] of content)
          if (typeof media.schema !== 'object') fail(where, `requestBody ${type} has no schema`);
      }
      for (const requirement of op.security ?? [])
        for (const name of Object.keys(requirement))
          if (!(name in schemes)) fail(where, `unknown security scheme ${name}`);
    }
  }
  return problems;
}

export function openapiSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`OpenAPI document on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let base = '';
    let doc: any;
    const call = client(() => base);

    const op = (method: string, path: string) => doc.paths[path]?.[method];

    beforeAll(async () => {
      db = await open();
      runtime = await createApp(testConfig(db));
      base = await runtime.listen(0);
      const r = await call('GET', '/api/docs-json');
      expect(r.status).toBe(200);
      doc = r.body;
    }, 60_000);

    afterAll(async () => {
      await runtime?.close();
      await db?.drop();
    });

    it('is a well-formed OpenAPI 3 document, served without a credential', () => {
      expect(openApiProblems(doc)).toEqual([]);
      expect(doc.info.title).toBe('SafeFlow runtime API');
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
      expect(doc.components.securitySchemes.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
    });

    it('finds a broken document broken (the structural check is not vacuous)', () => {
      const broken = structuredClone(doc);
      const [path] = Object.keys(broken.paths).filter((p) => p.includes('{'));
      const anyOp: any = Object.values(broken.paths[path!])[0];
      anyOp.parameters = [];
      anyOp.responses = {};
      broken.openapi = '2.0';
      expect(openApiProblems(broken)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^openapi:/),
          expect.stringMatching(/no responses/),
          expect.stringMatching(/is not declared as a path parameter/),
        ]),
      );
    });

    it('documents every route the app has registered, and no other', () => {
      const registered = expressRoutes(runtime);
      expect(registered.length).toBeGreaterThan(10);
      expect(registered).toContain('POST /api/deployments');
      expect(registered).toContain('POST /api/tasks/{id}/complete');
      expect(documentedRoutes(doc)).toEqual(registered);
    });

    it('describes request bodies from the validation pipes', () => {
      const resolve = op('post', '/api/incidents/{id}/resolve');
      expect(resolve.requestBody.content['application/json'].schema).toEqual({
        type: 'object',
        properties: {
          action: { type: 'string', enum: ['retry', 'skip'] },
          variables: { type: 'object', additionalProperties: true },
          retries: { type: 'integer', minimum: 1, maximum: 1000 },
        },
        required: ['action'],
        additionalProperties: false,
      });
      expect(resolve.responses['400'].content['application/json'].schema.$ref).toBe(
        '#/components/schemas/Error',
      );
      const login = op('post', '/api/auth/login').requestBody.content['application/json'].schema;
      expect(login.required).toEqual(['username', 'password']);
      expect(login.properties.password).toMatchObject({ type: 'string', minLength: 1 });
      // path and query parameters come from @Param / @Query
      expect(resolve.parameters).toEqual([
        { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      ]);
      // a GET has no body
      expect(op('get', '/api/process-definitions').requestBody).toBeUndefined();
    });

    it('documents a request body for every handler that reads one', () => {
      const missing = Object.entries<any>(doc.paths).flatMap(([path, item]) =>
        HTTP_METHODS.filter((m) => item[m])
          .filter((m) => readsBody(runtime, item[m].operationId) && !item[m].requestBody)
          .map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect(missing).toEqual([]);
    });

    it('describes every request body field by field (no body left as a bare object)', () => {
      // A body validated by a pipe the document cannot read is shown as a bare JSON object: give
      // the route a BodyValidation pipe, a pipe with describeBody(), or @OpenApiBody(...).
      const undescribed = Object.entries<any>(doc.paths).flatMap(([path, item]) =>
        HTTP_METHODS.filter(
          (m) =>
            item[m]?.requestBody?.content?.['application/json']?.schema?.description ===
            UNDESCRIBED_BODY,
        ).map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect(undescribed).toEqual([]);
    });

    it('documents the deployments POST body: name and resources', () => {
      const deploy = op('post', '/api/deployments');
      expect(deploy.requestBody?.content?.['application/json']?.schema).toMatchObject({
        type: 'object',
        required: expect.arrayContaining(['name', 'resources']),
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 256 },
          resources: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['name', 'content'],
              properties: { name: { type: 'string' }, content: { type: 'string' } },
            },
          },
        },
      });
      expect(deploy.responses['400']).toBeDefined();
    });

    it('reads @OpenApiBody declarations and pipes that describe their own body', async () => {
      // A controller of its own (decorators applied by hand), in an app of its own.
      class PermitsController {
        declare(_body: unknown) {
          return {};
        }
        extend(_body: unknown) {
          return {};
        }
      }
      const proto = PermitsController.prototype;
      const wrapping = {
        transform: (v: unknown) => v,
        describeBody: () => ({ type: 'object', properties: { urgent: { type: 'boolean' } } }),
      };
      Controller('api/permits')(PermitsController);
      const method = (name: 'declare' | 'extend') => Object.getOwnPropertyDescriptor(proto, name)!;
      Post()(proto, 'declare', method('declare'));
      Body()(proto, 'declare', 0);
      OpenApiBody({
        json: { permitNo: { type: 'string', required: true } },
        multipart: {
          fields: { permitNo: { type: 'string', required: true } },
          files: { description: 'scans of the signed permit' },
        },
      })(proto, 'declare', method('declare'));
      Post('extend')(proto, 'extend', method('extend'));
      Body(wrapping)(proto, 'extend', 0);
      class PermitsModule {}
      Module({ controllers: [PermitsController] })(PermitsModule);
      const app = await NestFactory.create(PermitsModule, { logger: false });
      try {
        const permits = buildOpenApiDocument(app).paths as any;
        const declared = permits['/api/permits'].post.requestBody.content;
        expect(declared['application/json'].schema).toEqual({
          type: 'object',
          properties: { permitNo: { type: 'string' } },
          required: ['permitNo'],
          additionalProperties: false,
        });
        expect(declared['multipart/form-data'].schema.properties.files).toEqual({
          type: 'array',
          items: { type: 'string', format: 'binary' },
          description: 'scans of the signed permit',
        });
        expect(declared['multipart/form-data'].schema.required).toEqual(['permitNo', 'files']);
        expect(
          permits['/api/permits/extend'].post.requestBody.content['application/json'].schema,
        ).toEqual({ type: 'object', properties: { urgent: { type: 'boolean' } } });
      } finally {
        await app.close();
      }
    });

    it('documents the query parameters of every route that parses its whole query string', () => {
      const undocumented = Object.entries<any>(doc.paths).flatMap(([path, item]) =>
        HTTP_METHODS.filter(
          (m) =>
            item[m] &&
            readsWholeQuery(runtime, item[m].operationId) &&
            !(item[m].parameters ?? []).some((p: any) => p.in === 'query'),
        ).map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect(undocumented).toEqual([]);
      const query = (path: string) =>
        Object.fromEntries(
          (op('get', path).parameters as any[])
            .filter((p) => p.in === 'query')
            .map((p) => [p.name, p]),
        );
      for (const path of ['/api/tasks', '/api/process-instances', '/api/deployments']) {
        const params = Object.values<any>(query(path));
        for (const p of params) {
          expect(p.required, `${path} ${p.name}`).toBe(false);
          expect(p.description, `${path} ${p.name}`).toMatch(/\S/);
          expect(p.schema?.type, `${path} ${p.name}`).toBeDefined();
        }
        expect(op('get', path).responses['400']).toBeDefined();
      }

      const tasks = query('/api/tasks');
      expect(Object.keys(tasks).sort()).toEqual(
        [
          'assignee',
          'candidateGroup',
          'candidateRole',
          'limit',
          'offset',
          'processInstanceId',
          'state',
        ].sort(),
      );
      expect(tasks.state.schema).toEqual({
        type: 'string',
        enum: ['open', 'completed', 'cancelled', 'all'],
        default: 'open',
      });
      expect(tasks.assignee.description).toContain('`me`');
      expect(tasks.limit.schema).toEqual({
        type: 'integer',
        minimum: 1,
        maximum: 500,
        default: 100,
      });
      expect(tasks.offset.schema).toMatchObject({ type: 'integer', minimum: 0, default: 0 });

      const instances = query('/api/process-instances');
      expect(Object.keys(instances).sort()).toEqual(
        [
          'businessKey',
          'limit',
          'offset',
          'parentInstanceId',
          'processId',
          'processKey',
          'startedAfter',
          'startedBefore',
          'state',
        ].sort(),
      );
      expect(instances.state).toMatchObject({
        style: 'form',
        explode: false,
        schema: {
          type: 'array',
          items: { type: 'string', enum: ['active', 'completed', 'terminated', 'incident'] },
        },
      });
      expect(instances.processKey.schema.pattern).toBe('^[^:]+:\\d+$');
      expect(instances.startedAfter.description).toContain('ISO 8601');
      expect(instances.limit.schema).toMatchObject({ minimum: 1, maximum: 500, default: 50 });
      expect(op('get', '/api/process-instances').description).toContain('variables.<name>=<value>');

      expect(Object.keys(query('/api/deployments')).sort()).toEqual(['limit', 'offset']);
      // A route reading single parameters keeps them (`@Query('name')`).
      expect(query('/api/incidents').processInstanceId).toMatchObject({ in: 'query' });
    });

    it('documents only query values the parsers accept, and constraints they enforce', async () => {
      const admin = await loginAdmin(call);
      const problems: string[] = [];
      for (const path of ['/api/tasks', '/api/process-instances', '/api/deployments']) {
        for (const p of (op('get', path).parameters as any[]).filter((x) => x.in === 'query')) {
          const ask = (value: string) =>
            call('GET', `${path}?${new URLSearchParams({ [p.name]: value })}`, admin);
          for (const good of validValues(p)) {
            const r = await ask(good);
            if (r.status !== 200)
              problems.push(
                `${path} ${p.name}=${good.slice(0, 40)}: ${r.status} ${r.body?.message}`,
              );
          }
          for (const bad of invalidValues(p)) {
            const r = await ask(bad);
            const named = (r.body?.errors ?? []).some((e: any) => e.field === p.name);
            if (r.status !== 400 || !named)
              problems.push(
                `${path} ${p.name}=${bad.slice(0, 40)}: ${r.status}, not a 400 naming it`,
              );
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('marks the credential each route needs and the roles it allows', () => {
      const deploy = op('post', '/api/deployments');
      expect(deploy.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
      expect(deploy.description).toContain('Roles: admin, safety-officer, integrator.');
      expect(deploy.responses['401']).toBeDefined();
      expect(deploy.responses['403']).toBeDefined();
      expect(op('get', '/api/process-definitions').description).toContain(
        'Roles: any signed-in user.',
      );
      for (const [method, path] of [
        ['post', '/api/auth/login'],
        ['get', '/api/health'],
      ] as const) {
        const o = op(method, path);
        expect(o.security ?? []).toEqual([]);
        expect(o.description).toContain('Public');
        expect(o.responses['401']).toBeUndefined();
      }
    });

    it('serves Swagger UI at /api/docs without a credential', async () => {
      const res = await fetch(`${base}/api/docs`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain('swagger-ui');
      expect(html).toContain('SafeFlow runtime API');
    });
  });
}
