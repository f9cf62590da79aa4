/**
 * Identity end to end over HTTP, once per database: API keys (shown once, stored as a hash, role
 * limited, revocable), groups and sites with membership carried in the token claims, user changes
 * and disabled accounts, and the failed sign-in throttle shared through the database. The clock is
 * injected and moved by the test: throttle windows pass without sleeping.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthService,
  createApp,
  loadConfig,
  ManualClock,
  type RuntimeApp,
} from '@safeflow/runtime-api';
import type { TestDatabase } from './api-suite.js';
import { ADMIN_PASSWORD, testConfig } from './http.js';

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

interface Credential {
  token?: string;
  apiKey?: string;
  authorization?: string;
}

const PASSWORD = 'password-123';
const MINUTE = 60_000;

/** start → user task `check` → end. */
const CHECK_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d_gas_check" targetNamespace="http://safeflow.io/test">
  <bpmn:process id="gas_check" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:userTask id="check" name="Gas test"/>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

export function identitySuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`identity (users, groups/sites, API keys, sign-in throttle) on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let base = '';
    let admin = '';
    let worker = '';
    let auditor = '';
    const clock = new ManualClock(Date.UTC(2026, 10, 24, 6, 0));

    async function send(
      method: string,
      path: string,
      who: Credential = {},
      body?: unknown,
      at = base,
    ): Promise<Reply> {
      const res = await fetch(at + path, {
        method,
        headers: {
          ...(who.token ? { authorization: `Bearer ${who.token}` } : {}),
          ...(who.authorization ? { authorization: who.authorization } : {}),
          ...(who.apiKey !== undefined ? { 'x-api-key': who.apiKey } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return {
        status: res.status,
        body: text ? JSON.parse(text) : undefined,
        headers: res.headers,
      };
    }

    const login = (username: string, password: string, at = base) =>
      send('POST', '/api/auth/login', {}, { username, password }, at);

    async function token(username: string, password = PASSWORD): Promise<string> {
      const r = await login(username, password);
      expect(r.status).toBe(200);
      return r.body.accessToken as string;
    }

    async function createUser(body: Record<string, unknown>): Promise<Reply> {
      return send('POST', '/api/users', { token: admin }, { password: PASSWORD, ...body });
    }

    async function createKey(keyName: string, roles: string[]) {
      const r = await send('POST', '/api/api-keys', { token: admin }, { name: keyName, roles });
      expect(r.status).toBe(201);
      return r.body as {
        id: string;
        name: string;
        roles: string[];
        key: string;
        createdAt: string;
      };
    }

    /** Raw SQL written with `?` placeholders, numbered for PostgreSQL. */
    function query(text: string, params: unknown[] = []) {
      let n = 0;
      const sql =
        runtime.dataSource.options.type === 'postgres'
          ? text.replace(/\?/g, () => `$${++n}`)
          : text;
      return runtime.dataSource.query(sql, params) as Promise<Array<Record<string, unknown>>>;
    }

    /** Every earlier failed sign-in (per user and per address) is out of its window afterwards. */
    async function closeThrottleWindows(): Promise<void> {
      clock.advance(16 * MINUTE);
      // Tokens expire by this clock too: a fresh one keeps the suite independent of their lifetime.
      admin = await token('admin', ADMIN_PASSWORD);
    }

    beforeAll(async () => {
      db = await open();
      runtime = await createApp(testConfig(db, { clock }));
      base = await runtime.listen(0);
      admin = await token('admin', ADMIN_PASSWORD);
      for (const [username, role] of [
        ['wendy.worker', 'worker'],
        ['audra.auditor', 'auditor'],
      ] as const) {
        expect((await createUser({ username, roles: [role] })).status).toBe(201);
      }
      worker = await token('wendy.worker');
      auditor = await token('audra.auditor');
      const deployed = await send(
        'POST',
        '/api/deployments',
        { token: admin },
        { name: 'gas check', resources: [{ name: 'gas-check.bpmn', content: CHECK_XML }] },
      );
      expect(deployed.status).toBe(201);
    }, 60_000);

    afterAll(async () => {
      await runtime?.close();
      await db?.drop();
    });

    describe('API keys', () => {
      let erp: Awaited<ReturnType<typeof createKey>>;

      it('shows a new key once and stores only its SHA-256 hash', async () => {
        erp = await createKey('erp-sync', ['integrator']);
        expect(Object.keys(erp).sort()).toEqual(['createdAt', 'id', 'key', 'name', 'roles']);
        expect(erp).toMatchObject({
          name: 'erp-sync',
          roles: ['integrator'],
          createdAt: new Date(clock.now()).toISOString(),
        });
        expect(erp.key).toMatch(new RegExp(`^sfk_${erp.id}_[A-Za-z0-9_-]{43}$`));
        const secret = erp.key.slice(`sfk_${erp.id}_`.length);
        const hash = createHash('sha256').update(erp.key).digest('hex');

        const [row] = await query('SELECT * FROM api_key WHERE id = ?', [erp.id]);
        expect(row?.key_hash).toBe(hash);
        expect(JSON.stringify(row)).not.toContain(secret);

        const list = await send('GET', '/api/api-keys', { token: admin });
        expect(list.status).toBe(200);
        expect(list.body).toEqual([
          {
            id: erp.id,
            name: 'erp-sync',
            roles: ['integrator'],
            createdBy: 'admin',
            createdAt: erp.createdAt,
            lastUsedAt: null,
            revokedAt: null,
          },
        ]);
        for (const text of [JSON.stringify(list.body), JSON.stringify(erp)]) {
          expect(text).not.toContain(hash);
        }
        expect(JSON.stringify(list.body)).not.toContain(secret);
      });

      it('authenticates X-API-Key and Authorization: ApiKey as apikey:<name> with its roles', async () => {
        const me = {
          id: erp.id,
          username: 'apikey:erp-sync',
          roles: ['integrator'],
          groups: [],
          sites: [],
          via: 'api-key',
        };
        expect(await send('GET', '/api/users/me', { apiKey: erp.key })).toMatchObject({
          status: 200,
          body: me,
        });
        const viaHeader = await send('GET', '/api/users/me', {
          authorization: `ApiKey ${erp.key}`,
        });
        expect(viaHeader).toMatchObject({ status: 200, body: me });

        const started = await send(
          'POST',
          '/api/process-instances',
          { apiKey: erp.key },
          { processKey: 'gas_check' },
        );
        expect(started.status).toBe(201);
        const events = await send('GET', `/api/process-instances/${started.body.id}/events`, {
          apiKey: erp.key,
        });
        expect(events.body[0]).toMatchObject({
          type: 'instance.started',
          actor: 'apikey:erp-sync',
        });

        const listed = await send('GET', '/api/api-keys', { token: admin });
        expect(listed.body[0].lastUsedAt).toBe(new Date(clock.now()).toISOString());
      });

      it('is one function for every transport: AuthService.authenticate', async () => {
        const auth = runtime.app.get(AuthService);
        await expect(auth.authenticate({ apiKey: erp.key })).resolves.toMatchObject({
          username: 'apikey:erp-sync',
          roles: ['integrator'],
          groups: [],
          sites: [],
          expiresAt: null,
        });
        await expect(
          auth.authenticate({ authorization: `Bearer ${admin}` }),
        ).resolves.toMatchObject({
          username: 'admin',
          roles: ['admin'],
          groups: [],
          sites: [],
          via: 'token',
        });
        await expect(auth.authenticate({ authorization: 'Bearer nope' })).rejects.toMatchObject({
          status: 401,
        });
        // a socket handshake passes the bare token
        const bare = await auth.authenticate({ token: admin });
        expect(bare).toMatchObject({ username: 'admin', via: 'token' });
        expect(bare.expiresAt).toBe(claimsOf(admin).exp * 1000);
        for (const bad of [{}, { token: 'nope' }, { token: admin, apiKey: erp.key }]) {
          await expect(auth.authenticate(bad)).rejects.toMatchObject({ status: 401 });
        }
      });

      it('limits a key to its roles and never grants admin', async () => {
        const asErp = { apiKey: erp.key };
        const newUser = { username: 'x.key', password: PASSWORD, roles: ['worker'] };
        expect((await send('POST', '/api/users', asErp, newUser)).status).toBe(403);
        expect(
          (await send('POST', '/api/api-keys', asErp, { name: 'more', roles: ['integrator'] }))
            .status,
        ).toBe(403);
        expect((await send('POST', '/api/groups', asErp, { name: 'crew-x' })).status).toBe(403);
        expect((await send('GET', '/api/api-keys', asErp)).status).toBe(403);

        const audit = await createKey('audit-export', ['auditor']);
        const asAudit = { apiKey: audit.key };
        expect(
          (
            await send('POST', '/api/deployments', asAudit, {
              name: 'x',
              resources: [{ name: 'x.bpmn', content: CHECK_XML }],
            })
          ).status,
        ).toBe(403);
        expect(
          (await send('POST', '/api/process-instances', asAudit, { processKey: 'gas_check' }))
            .status,
        ).toBe(403);
        expect(
          (await send('PATCH', `/api/users/${randomUUID()}`, asAudit, { disabled: true })).status,
        ).toBe(403);
        expect((await send('GET', '/api/process-definitions', asAudit)).status).toBe(200);
        const listed = await send('GET', '/api/api-keys', asAudit);
        expect(listed.status).toBe(200);
        expect(JSON.stringify(listed.body)).not.toContain(audit.key.slice(-43));

        const refused = async (body: unknown, field: string, words: string) => {
          const r = await send('POST', '/api/api-keys', { token: admin }, body);
          expect(r.status).toBe(400);
          expect(r.body.errors[0].field).toBe(field);
          expect(r.body.message).toContain(words);
        };
        await refused({ name: 'root', roles: ['admin'] }, 'roles', 'admin');
        await refused({ name: 'root', roles: ['integrator', 'admin'] }, 'roles', 'admin');
        await refused({ name: 'odd', roles: ['wizard'] }, 'roles', 'wizard');
        await refused({ name: 'none', roles: [] }, 'roles', 'at least one role');
        await refused({ name: 'bad name!', roles: ['integrator'] }, 'name', 'name');
        await refused({ name: 'no-roles' }, 'roles', 'roles is required');
        const dup = await send(
          'POST',
          '/api/api-keys',
          { token: admin },
          { name: 'erp-sync', roles: ['integrator'] },
        );
        expect(dup.status).toBe(409);
        expect(dup.body.message).toContain('erp-sync');
      });

      it('refuses wrong, unknown, malformed and ambiguous credentials with 401', async () => {
        const last = erp.key.at(-1) === 'A' ? 'B' : 'A';
        const wrong = erp.key.slice(0, -1) + last;
        const unknown = `sfk_${randomUUID()}_${randomBytes(32).toString('base64url')}`;
        const cases: Array<[Credential, string]> = [
          [{ apiKey: wrong }, 'invalid API key'],
          [{ apiKey: unknown }, 'invalid API key'],
          [{ apiKey: 'sfk_not-a-key' }, 'malformed API key'],
          [{ authorization: `ApiKey ${erp.key.slice(0, 20)}` }, 'malformed API key'],
          [{ authorization: 'ApiKey' }, 'Authorization must be'],
          [{ authorization: `Basic ${erp.key}` }, 'Authorization must be'],
          [{ token: erp.key }, 'Bearer token'],
          [{ token: admin, apiKey: erp.key }, 'one credential'],
          [{}, 'required'],
        ];
        for (const [who, message] of cases) {
          const r = await send('GET', '/api/process-definitions', who);
          expect(r.status, JSON.stringify(who).slice(0, 40)).toBe(401);
          expect(r.body.message).toContain(message);
          expect(JSON.stringify(r.body)).not.toContain(erp.key.slice(-43));
          expect(JSON.stringify(r.body)).not.toContain(wrong.slice(-43));
        }
      });

      it('revokes a key: later use is 401; only admins revoke', async () => {
        const gone = await createKey('scada-bridge', ['integrator']);
        expect((await send('GET', '/api/users/me', { apiKey: gone.key })).status).toBe(200);
        for (const who of [{ token: worker }, { token: auditor }, { apiKey: erp.key }]) {
          expect((await send('DELETE', `/api/api-keys/${gone.id}`, who)).status).toBe(403);
        }
        expect((await send('DELETE', `/api/api-keys/${gone.id}`)).status).toBe(401);
        expect((await send('DELETE', `/api/api-keys/${gone.id}`, { token: admin })).status).toBe(
          204,
        );
        const after = await send('GET', '/api/users/me', { apiKey: gone.key });
        expect(after.status).toBe(401);
        expect(after.body.message).toContain('revoked');
        expect((await send('DELETE', `/api/api-keys/${gone.id}`, { token: admin })).status).toBe(
          204,
        );
        const missing = await send('DELETE', `/api/api-keys/${randomUUID()}`, { token: admin });
        expect(missing.status).toBe(404);
        const listed = (await send('GET', '/api/api-keys', { token: admin })).body;
        expect(listed.find((k: any) => k.id === gone.id).revokedAt).toBe(
          new Date(clock.now()).toISOString(),
        );
        expect((await send('GET', '/api/users/me', { apiKey: erp.key })).status).toBe(200);
      });

      it('lets only admins create keys and admins and auditors list them', async () => {
        const body = { name: 'any', roles: ['integrator'] };
        expect((await send('POST', '/api/api-keys', { token: worker }, body)).status).toBe(403);
        expect((await send('POST', '/api/api-keys', { token: auditor }, body)).status).toBe(403);
        expect((await send('POST', '/api/api-keys', {}, body)).status).toBe(401);
        expect((await send('GET', '/api/api-keys', { token: worker })).status).toBe(403);
        expect((await send('GET', '/api/api-keys', { token: auditor })).status).toBe(200);
      });
    });

    describe('groups, sites and users', () => {
      let miaId = '';

      it('creates groups and sites (admins) and lists them (every signed-in user)', async () => {
        const crew = await send(
          'POST',
          '/api/groups',
          { token: admin },
          { name: 'maintenance-crew-3', description: 'Maintenance crew 3, night shift' },
        );
        expect(crew).toMatchObject({
          status: 201,
          body: {
            name: 'maintenance-crew-3',
            description: 'Maintenance crew 3, night shift',
            members: [],
            createdAt: new Date(clock.now()).toISOString(),
          },
        });
        for (const site of ['unit-3', 'unit-4']) {
          const r = await send('POST', '/api/sites', { token: admin }, { name: site });
          expect(r.status).toBe(201);
          expect(r.body).toMatchObject({ name: site, description: null, members: [] });
        }
        expect(
          (await send('POST', '/api/groups', { token: admin }, { name: 'fire-watch' })).status,
        ).toBe(201);

        const dup = await send(
          'POST',
          '/api/groups',
          { token: admin },
          { name: 'maintenance-crew-3' },
        );
        expect(dup.status).toBe(409);
        expect(
          (await send('POST', '/api/sites', { token: admin }, { name: 'unit-3' })).status,
        ).toBe(409);
        for (const [path, body, field] of [
          ['/api/groups', { name: 'crew 3' }, 'name'],
          ['/api/sites', { name: '../unit' }, 'name'],
          ['/api/groups', { name: 'worker' }, 'name'],
          ['/api/groups', {}, 'name'],
          ['/api/sites', { name: 'unit-9', colour: 'red' }, 'colour'],
        ] as const) {
          const r = await send('POST', path, { token: admin }, body);
          expect(r.status, JSON.stringify(body)).toBe(400);
          expect(r.body.errors[0].field).toBe(field);
        }

        for (const who of [{ token: worker }, { token: auditor }]) {
          expect((await send('POST', '/api/groups', who, { name: 'crew-w' })).status).toBe(403);
          expect((await send('POST', '/api/sites', who, { name: 'unit-w' })).status).toBe(403);
        }
        expect((await send('POST', '/api/sites', {}, { name: 'unit-w' })).status).toBe(401);
        const groups = await send('GET', '/api/groups', { token: worker });
        expect(groups.status).toBe(200);
        expect(groups.body.map((g: any) => g.name)).toEqual(['fire-watch', 'maintenance-crew-3']);
        const sites = await send('GET', '/api/sites', { token: auditor });
        expect(sites.body.map((s: any) => s.name)).toEqual(['unit-3', 'unit-4']);
        expect((await send('GET', '/api/sites')).status).toBe(401);
      });

      it('assigns groups and sites to a new user; the token claims and /me carry them', async () => {
        const created = await createUser({
          username: 'mia.mechanic',
          roles: ['worker'],
          groups: ['maintenance-crew-3'],
          sites: ['unit-3'],
        });
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({
          username: 'mia.mechanic',
          roles: ['worker'],
          groups: ['maintenance-crew-3'],
          sites: ['unit-3'],
          disabled: false,
        });
        miaId = created.body.id;

        const unknown = await createUser({
          username: 'ghost',
          roles: ['worker'],
          groups: ['maintenance-crew-3', 'crew-nope'],
        });
        expect(unknown.status).toBe(400);
        expect(unknown.body.errors[0].field).toBe('groups');
        expect(unknown.body.message).toContain('crew-nope');
        const badSite = await createUser({
          username: 'ghost',
          roles: ['worker'],
          sites: ['unit-99'],
        });
        expect(badSite.status).toBe(400);
        expect(badSite.body.errors[0].field).toBe('sites');
        expect(badSite.body.message).toContain('unit-99');
        const impostor = await createUser({ username: 'apikey:erp-sync', roles: ['worker'] });
        expect(impostor.status).toBe(400);
        expect(impostor.body.errors[0].field).toBe('username');

        const users = await send('GET', '/api/users', { token: admin });
        expect(users.body.map((u: any) => u.username)).not.toContain('ghost');
        expect(users.body.find((u: any) => u.username === 'mia.mechanic')).toEqual(created.body);
        expect(JSON.stringify(users.body)).not.toMatch(/password|salt|hash/i);

        const mia = await token('mia.mechanic');
        expect(claimsOf(mia)).toMatchObject({
          username: 'mia.mechanic',
          roles: ['worker'],
          groups: ['maintenance-crew-3'],
          sites: ['unit-3'],
        });
        expect(await send('GET', '/api/users/me', { token: mia })).toMatchObject({
          status: 200,
          body: {
            id: miaId,
            username: 'mia.mechanic',
            roles: ['worker'],
            groups: ['maintenance-crew-3'],
            sites: ['unit-3'],
            via: 'token',
          },
        });
        await expect(
          runtime.app.get(AuthService).authenticate({ authorization: `Bearer ${mia}` }),
        ).resolves.toMatchObject({ groups: ['maintenance-crew-3'], sites: ['unit-3'] });
        const crew = (await send('GET', '/api/groups', { token: mia })).body.find(
          (g: any) => g.name === 'maintenance-crew-3',
        );
        expect(crew.members).toEqual(['mia.mechanic']);
      });

      it('changes a user with PATCH; tokens issued before the change stop working', async () => {
        const before = await token('mia.mechanic');
        const changed = await send(
          'PATCH',
          `/api/users/${miaId}`,
          { token: admin },
          { roles: ['worker', 'manager'], groups: ['fire-watch'], sites: ['unit-3', 'unit-4'] },
        );
        expect(changed).toMatchObject({
          status: 200,
          body: {
            id: miaId,
            username: 'mia.mechanic',
            roles: ['worker', 'manager'],
            groups: ['fire-watch'],
            sites: ['unit-3', 'unit-4'],
            disabled: false,
          },
        });
        const stale = await send('GET', '/api/users/me', { token: before });
        expect(stale.status).toBe(401);
        expect(stale.body.message).toContain('sign in again');
        const after = await token('mia.mechanic');
        expect(claimsOf(after)).toMatchObject({
          roles: ['worker', 'manager'],
          groups: ['fire-watch'],
          sites: ['unit-3', 'unit-4'],
        });

        const patch = (body: unknown, who: Credential = { token: admin }, id = miaId) =>
          send('PATCH', `/api/users/${id}`, who, body);
        const refused: Array<[unknown, string, string]> = [
          [{ groups: ['fire-watch', 'crew-nope'] }, 'groups', 'crew-nope'],
          [{ sites: ['unit-99'] }, 'sites', 'unit-99'],
          [{ roles: ['wizard'] }, 'roles', 'wizard'],
          [{ disabled: 'yes' }, 'disabled', 'true or false'],
          [{ password: 'short' }, 'password', 'shorter'],
          [{}, 'body', 'nothing to change'],
          [{ username: 'renamed' }, 'username', 'not allowed'],
        ];
        for (const [body, field, words] of refused) {
          const r = await patch(body);
          expect(r.status, JSON.stringify(body)).toBe(400);
          expect(r.body.errors[0].field).toBe(field);
          expect(r.body.message).toContain(words);
        }
        // Refused changes changed nothing, so the token is still good.
        expect((await send('GET', '/api/users/me', { token: after })).status).toBe(200);
        const missing = await patch({ disabled: true }, { token: admin }, randomUUID());
        expect(missing.status).toBe(404);
        for (const who of [{ token: worker }, { token: auditor }, { token: after }]) {
          expect((await patch({ roles: ['admin'] }, who)).status).toBe(403);
        }
        expect((await patch({ roles: ['admin'] }, {})).status).toBe(401);

        expect((await patch({ password: 'a-new-password-456' })).status).toBe(200);
        expect((await login('mia.mechanic', PASSWORD)).status).toBe(401);
        expect((await login('mia.mechanic', 'a-new-password-456')).status).toBe(200);
      });

      it('refuses sign-in and every token of a disabled user; keeps the last admin', async () => {
        const mia = await token('mia.mechanic', 'a-new-password-456');
        const off = await send(
          'PATCH',
          `/api/users/${miaId}`,
          { token: admin },
          { disabled: true },
        );
        expect(off.status).toBe(200);
        expect(off.body.disabled).toBe(true);
        const refused = await login('mia.mechanic', 'a-new-password-456');
        expect(refused.status).toBe(401);
        expect(refused.body.message).toContain('disabled');
        expect((await send('GET', '/api/users/me', { token: mia })).status).toBe(401);
        expect(
          (await send('GET', '/api/users', { token: admin })).body.find((u: any) => u.id === miaId)
            .disabled,
        ).toBe(true);

        const on = await send(
          'PATCH',
          `/api/users/${miaId}`,
          { token: admin },
          { disabled: false },
        );
        expect(on.body.disabled).toBe(false);
        expect((await login('mia.mechanic', 'a-new-password-456')).status).toBe(200);

        const me = (await send('GET', '/api/users/me', { token: admin })).body;
        for (const body of [{ disabled: true }, { roles: ['auditor'] }]) {
          const r = await send('PATCH', `/api/users/${me.id}`, { token: admin }, body);
          expect(r.status).toBe(409);
          expect(r.body.message).toContain('last enabled admin');
        }
        expect((await send('GET', '/api/users/me', { token: admin })).status).toBe(200);
      });
    });

    describe('failed sign-in throttle', () => {
      it('refuses the 6th attempt for a username with 429 + Retry-After until the window passes', async () => {
        await closeThrottleWindows();
        expect((await createUser({ username: 'rita.rigger', roles: ['worker'] })).status).toBe(201);
        const failures = async () =>
          (
            await query('SELECT failures FROM login_failure WHERE subject = ?', [
              'user:rita.rigger',
            ])
          )
            .map((r) => Number(r.failures))
            .at(0);

        for (let i = 0; i < 4; i++) expect((await login('rita.rigger', 'wrong')).status).toBe(401);
        expect(await failures()).toBe(4);
        expect((await login('rita.rigger', PASSWORD)).status).toBe(200);
        expect(await failures()).toBeUndefined(); // a success starts the username again

        for (let i = 0; i < 5; i++) expect((await login('rita.rigger', 'wrong')).status).toBe(401);
        expect(await failures()).toBe(5);
        const sixth = await login('rita.rigger', 'wrong');
        expect(sixth.status).toBe(429);
        expect(sixth.headers.get('retry-after')).toBe('900');
        expect(sixth.body).toEqual({
          statusCode: 429,
          message: expect.stringContaining('too many failed sign-ins for this username'),
        });
        const right = await login('rita.rigger', PASSWORD);
        expect(right.status).toBe(429);
        expect(await failures()).toBe(5); // refused attempts are not counted again

        clock.advance(14 * MINUTE);
        const later = await login('rita.rigger', PASSWORD);
        expect(later.status).toBe(429);
        expect(later.headers.get('retry-after')).toBe('60');
        clock.advance(MINUTE);
        expect((await login('rita.rigger', PASSWORD)).status).toBe(200);
      });

      it('shares the counts between replicas through the database', async () => {
        const replica = await createApp(testConfig(db, { clock }));
        try {
          const other = await replica.listen(0);
          for (let i = 0; i < 5; i++)
            expect((await login('rita.rigger', 'wrong')).status).toBe(401);
          const there = await login('rita.rigger', PASSWORD, other);
          expect(there.status).toBe(429);
          expect(there.headers.get('retry-after')).toBe('900');
        } finally {
          await replica.close();
        }
      });

      it('refuses an address after 20 failures in the window, whatever the usernames', async () => {
        await closeThrottleWindows();
        for (let i = 1; i <= 20; i++) {
          const r = await login(`nobody-${i}`, 'guess');
          expect(r.status, `attempt ${i}`).toBe(401);
        }
        const blocked = await login('wendy.worker', PASSWORD);
        expect(blocked.status).toBe(429);
        expect(blocked.body.message).toContain('from this address');
        expect(blocked.headers.get('retry-after')).toBe('900');
        clock.advance(15 * MINUTE);
        expect((await login('wendy.worker', PASSWORD)).status).toBe(200);
      });

      it('behind a trusted proxy, counts each forwarded client address on its own', async () => {
        await closeThrottleWindows();
        const proxied = await createApp(testConfig(db, { clock, trustProxy: 'loopback' }));
        try {
          const at = await proxied.listen(0);
          const from = (client: string, username: string, password: string) =>
            fetch(at + '/api/auth/login', {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
              body: JSON.stringify({ username, password }),
            });
          for (let i = 1; i <= 20; i++)
            expect((await from('203.0.113.7', `nobody-${i}`, 'guess')).status).toBe(401);
          const blocked = await from('203.0.113.7', 'wendy.worker', PASSWORD);
          expect(blocked.status).toBe(429);
          expect((await from('203.0.113.8', 'wendy.worker', PASSWORD)).status).toBe(200);
        } finally {
          await proxied.close();
          await closeThrottleWindows();
        }
        expect(loadConfig({ SAFEFLOW_TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
      });

      it('reads its limits from the environment', () => {
        const env = {
          SAFEFLOW_LOGIN_MAX_FAILURES_PER_USER: '3',
          SAFEFLOW_LOGIN_MAX_FAILURES_PER_IP: '0',
          SAFEFLOW_LOGIN_WINDOW_SECONDS: '600',
        };
        expect(loadConfig(env)).toMatchObject({
          loginMaxFailuresPerUser: 3,
          loginMaxFailuresPerIp: 0,
          loginFailureWindowSeconds: 600,
        });
        expect(loadConfig({})).not.toHaveProperty('loginMaxFailuresPerUser');
        expect(() => loadConfig({ SAFEFLOW_LOGIN_MAX_FAILURES_PER_USER: 'five' })).toThrow(
          /SAFEFLOW_LOGIN_MAX_FAILURES_PER_USER/,
        );
      });
    });
  });
}
