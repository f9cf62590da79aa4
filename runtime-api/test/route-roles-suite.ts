/**
 * The role guard on every route, once per database. The routes are enumerated from the running
 * app's Express router (as the OpenAPI suite does), so a route added later is covered without
 * touching this file: it must answer 401 without a credential (unless it is listed as public
 * below), 403 to the auditor when it is a write, and 403 to a worker unless it is listed among a
 * worker's routes. Every path parameter is a placeholder id: the guard answers before the handler
 * looks anything up, so the refusal does not depend on the id. Refusals carry no stack trace,
 * secret or credential.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModulesContainer } from '@nestjs/core';
import {
  GATEWAY_METADATA,
  MESSAGE_MAPPING_METADATA,
  MESSAGE_METADATA,
} from '@nestjs/websockets/constants.js';
import { createApp, type RuntimeApp } from '@safeflow/runtime-api';
import { signToken } from '../src/auth/jwt.js';
import type { TestDatabase } from './api-suite.js';
import { ADMIN_PASSWORD, client, loginAdmin, testConfig, userToken } from './http.js';

/** A registered route: its method and its Express path (`/api/tasks/:id`). */
interface Route {
  method: string;
  path: string;
}

const key = (r: Route) => `${r.method} ${r.path}`;

/**
 * Routes anyone may call. A new public route must be added here on purpose: every other route
 * answers 401 without a credential.
 */
const PUBLIC = new Set([
  'GET /api/health',
  'POST /api/auth/login',
  // Swagger UI, the files it registers as routes, and the OpenAPI document: the API's shape is
  // no secret (its data is).
  'GET /api/docs',
  'GET /api/docs/',
  'GET /api/docs/index.html',
  'GET /api/docs/swagger-ui-init.js',
  'GET /api/docs/docs/swagger-ui-init.js',
  'GET /api/docs/LICENSE',
  'GET /api/docs-json',
]);

/**
 * GET routes refused to the auditor, with the reason. The auditor reads everything, so none
 * today; an entry here must say why the auditor may not see it.
 */
const AUDITOR_GET_REFUSED: Record<string, string> = {};

/** Writes a worker may make (its own tasks, starting work, messages/signals). Every other write: 403. */
const WORKER_WRITES = new Set([
  'POST /api/process-instances',
  'POST /api/tasks/:id/complete',
  'POST /api/tasks/:id/claim',
  'POST /api/tasks/:id/unclaim',
  'POST /api/tasks/:id/comments',
  'POST /api/tasks/:id/attachments',
  'POST /api/messages',
  'POST /api/signals',
]);

/** Reads a worker is refused, with the reason. Every other read passes the guard. */
const WORKER_READS_REFUSED: Record<string, string> = {
  'GET /api/users': 'the user directory is for admins and auditors',
  'GET /api/api-keys': 'integration credentials are for admins and auditors',
  'GET /api/audit/verify': 'verifying the audit chain is for admins and auditors',
  'GET /api/plugins/:name/config': "a plugin's configuration is for admins, integrators, auditors",
};

/**
 * The client → server socket events the server handles, each with why it needs no role check
 * beyond the handshake. A new event must be added here knowingly: one that changes anything needs
 * the same role check as its REST route (the auditor is read-only there too).
 */
const SOCKET_EVENTS: Record<string, string> = {
  'subscribe:instance':
    'read-only: follows an instance the caller may see (a worker only with a task in it)',
  'unsubscribe:instance': 'read-only: stops following an instance',
};

/** `method path` of every route on the app's Express router, docs and its assets included. */
function registeredRoutes(runtime: RuntimeApp): Route[] {
  const express = runtime.app.getHttpAdapter().getInstance() as {
    router: {
      stack: Array<{ route?: { path: string | string[]; methods: Record<string, boolean> } }>;
    };
  };
  const out = new Map<string, Route>();
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths)
      for (const [method, on] of Object.entries(layer.route.methods))
        if (on && method !== '_all') {
          const route = { method: method.toUpperCase(), path };
          out.set(key(route), route);
        }
  }
  return [...out.values()].sort((a, b) => key(a).localeCompare(key(b)));
}

/** The message names of every `@SubscribeMessage` handler of every gateway the app runs. */
function socketEvents(runtime: RuntimeApp): string[] {
  const out = new Set<string>();
  for (const mod of runtime.app.get(ModulesContainer).values())
    for (const wrapper of mod.providers.values()) {
      const gateway = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (typeof gateway !== 'function' || !Reflect.getMetadata(GATEWAY_METADATA, gateway))
        continue;
      const proto = gateway.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (typeof handler === 'function' && Reflect.getMetadata(MESSAGE_MAPPING_METADATA, handler))
          out.add(String(Reflect.getMetadata(MESSAGE_METADATA, handler)));
      }
    }
  return [...out].sort();
}

/** The path with every `:param` (and Express 5 `*wildcard`) replaced by a placeholder id. */
const concrete = (path: string) => path.replace(/[:*][A-Za-z0-9_]+/g, 'x.1');

interface Credential {
  token?: string;
  apiKey?: string;
}

interface Answer {
  status: number;
  text: string;
  body: any;
}

export function routeRolesSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`role guard on every route on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let base = '';
    let routes: Route[] = [];
    let protectedRoutes: Route[] = [];
    let auditor = '';
    let auditorKey = '';
    let worker = '';
    let jwtSecret = '';
    const call = client(() => base);

    /** Calls the route with placeholder ids; a write carries an empty JSON object as its body. */
    async function send(route: Route, who: Credential = {}): Promise<Answer> {
      const write = route.method !== 'GET' && route.method !== 'HEAD';
      const res = await fetch(base + concrete(route.path), {
        method: route.method,
        headers: {
          ...(who.token ? { authorization: `Bearer ${who.token}` } : {}),
          ...(who.apiKey ? { 'x-api-key': who.apiKey } : {}),
          ...(write ? { 'content-type': 'application/json' } : {}),
        },
        ...(write ? { body: '{}' } : {}),
      });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: res.status, text, body };
    }

    /**
     * A refusal says what is wrong in `{statusCode, message}` and nothing more: no stack trace, no
     * source path, no secret, not the credential it was given. Returns what is wrong with it.
     */
    function refusalProblems(route: Route, a: Answer, status: number, who: Credential): string[] {
      const where = `${key(route)} (${a.status})`;
      const problems: string[] = [];
      if (a.status !== status) return [`${where}: expected ${status}: ${a.text.slice(0, 200)}`];
      if (typeof a.body !== 'object' || a.body === null) return [`${where}: not a JSON error`];
      if (a.body.statusCode !== status) problems.push(`${where}: statusCode ${a.body.statusCode}`);
      if (typeof a.body.message !== 'string' || a.body.message === '')
        problems.push(`${where}: no message`);
      const extra = Object.keys(a.body).filter(
        (k) => !['statusCode', 'message', 'error', 'code'].includes(k),
      );
      if (extra.length > 0) problems.push(`${where}: unexpected fields ${extra.join(', ')}`);
      if (/"stack"|\n\s*at\s|node_modules|\.[jt]s:\d+/.test(a.text))
        problems.push(`${where}: looks like a stack trace`);
      const secrets = [jwtSecret, ADMIN_PASSWORD, who.token, who.apiKey].filter(
        (s): s is string => typeof s === 'string' && s !== '',
      );
      if (secrets.some((s) => a.text.includes(s)))
        problems.push(`${where}: carries a secret or the credential`);
      return problems;
    }

    const isPublic = (r: Route) => PUBLIC.has(key(r));
    const isWrite = (r: Route) => r.method !== 'GET' && r.method !== 'HEAD';

    beforeAll(async () => {
      db = await open();
      const config = testConfig(db);
      jwtSecret = config.jwtSecret ?? '';
      expect(jwtSecret).not.toBe('');
      runtime = await createApp(config);
      base = await runtime.listen(0);
      routes = registeredRoutes(runtime);
      protectedRoutes = routes.filter((r) => !isPublic(r));
      const admin = await loginAdmin(call);
      auditor = await userToken(call, admin, 'audra-auditor', ['auditor']);
      worker = await userToken(call, admin, 'wes-worker', ['worker']);
      const created = await call('POST', '/api/api-keys', admin, {
        name: 'compliance-export',
        roles: ['auditor'],
      });
      expect(created.status).toBe(201);
      auditorKey = created.body.key as string;
    }, 60_000);

    afterAll(async () => {
      await runtime?.close();
      await db?.drop();
    });

    it('finds the routes, and every route the lists below name exists', () => {
      const registered = new Set(routes.map(key));
      expect(routes.length).toBeGreaterThan(40);
      expect(registered).toContain('POST /api/deployments');
      expect(registered).toContain('PUT /api/plugins/:name/config');
      const named = [
        ...PUBLIC,
        ...Object.keys(AUDITOR_GET_REFUSED),
        ...WORKER_WRITES,
        ...Object.keys(WORKER_READS_REFUSED),
      ];
      expect(named.filter((r) => !registered.has(r))).toEqual([]);
    });

    it('answers 401 without a credential on every route but the listed public ones', async () => {
      const problems: string[] = [];
      for (const route of protectedRoutes)
        problems.push(...refusalProblems(route, await send(route), 401, {}));
      expect(problems).toEqual([]);
      // The public ones answer (not 401): a new one must be added to PUBLIC knowingly.
      const publicAnswers: string[] = [];
      for (const route of routes.filter(isPublic)) {
        const a = await send(route);
        if (a.status === 401 || a.status === 403 || a.status >= 500)
          publicAnswers.push(`${key(route)}: ${a.status}`);
      }
      expect(publicAnswers).toEqual([]);
    });

    it('answers 401 to a forged admin token (signed with another secret) on every route', async () => {
      const now = Math.floor(Date.now() / 1000);
      const forged = signToken(
        { sub: 'forged', username: 'admin', roles: ['admin'], iat: now, exp: now + 3600 },
        'not-the-server-secret',
      );
      const problems: string[] = [];
      for (const route of protectedRoutes)
        problems.push(
          ...refusalProblems(route, await send(route, { token: forged }), 401, {
            token: forged,
          }),
        );
      expect(problems).toEqual([]);
    });

    for (const via of ['token', 'apiKey'] as const) {
      it(`refuses the auditor (${via === 'token' ? 'a user' : 'an API key'}) every write with 403, and no read`, async () => {
        const who: Credential = via === 'token' ? { token: auditor } : { apiKey: auditorKey };
        const problems: string[] = [];
        for (const route of protectedRoutes) {
          const a = await send(route, who);
          if (isWrite(route) || key(route) in AUDITOR_GET_REFUSED)
            problems.push(...refusalProblems(route, a, 403, who));
          else if (a.status === 401 || a.status === 403)
            problems.push(`${key(route)}: a read refused to the auditor (${a.status}): ${a.text}`);
        }
        expect(problems).toEqual([]);
      });
    }

    it('refuses a worker every route not listed as a worker route with 403', async () => {
      const who = { token: worker };
      const problems: string[] = [];
      for (const route of protectedRoutes) {
        const a = await send(route, who);
        const refused = isWrite(route)
          ? !WORKER_WRITES.has(key(route))
          : key(route) in WORKER_READS_REFUSED;
        if (refused) problems.push(...refusalProblems(route, a, 403, who));
        // Past the guard the placeholder id is unknown (404) or the empty body invalid (400).
        else if (a.status === 401 || a.status === 403)
          problems.push(`${key(route)}: refused to a worker (${a.status}): ${a.text}`);
      }
      expect(problems).toEqual([]);
    });

    it('handles only the listed read-only socket events', () => {
      expect(socketEvents(runtime)).toEqual(Object.keys(SOCKET_EVENTS).sort());
    });

    it('names the admin-only routes among the worker refusals (the list is not vacuous)', async () => {
      const who = { token: worker };
      for (const [method, path] of [
        ['POST', '/api/deployments'],
        ['POST', '/api/users'],
        ['PATCH', '/api/users/:id'],
        ['POST', '/api/api-keys'],
        ['DELETE', '/api/api-keys/:id'],
        ['POST', '/api/groups'],
        ['POST', '/api/sites'],
        ['PUT', '/api/plugins/:name/config'],
        ['POST', '/api/plugins/:name/enable'],
        ['POST', '/api/process-instances/:id/cancel'],
        ['POST', '/api/process-instances/:id/migrate'],
        ['POST', '/api/process-definitions/:key/migrate-instances'],
        ['POST', '/api/incidents/:id/resolve'],
        ['POST', '/api/tasks/:id/assign'],
        ['POST', '/api/jobs/activate'],
      ] as const) {
        const route = { method, path };
        expect(routes.map(key)).toContain(key(route));
        expect(refusalProblems(route, await send(route, who), 403, who)).toEqual([]);
      }
    });
  });
}
