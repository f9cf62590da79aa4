/**
 * Live events over socket.io against the real server, once per database: the handshake refuses
 * missing, forged and expired tokens; overseers receive every task, instance and incident event; a
 * worker receives only its own tasks (assigned to it, or offered to one of its roles) and their
 * instances; `subscribe:instance` is refused to a worker with no task in the instance. Negative
 * checks use a barrier: events of one socket arrive in commit order, so once a later event has
 * arrived, an earlier one that was not delivered never will be.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { createApp, ManualClock, type RuntimeApp, type RuntimeConfig } from '@safeflow/runtime-api';
import { signToken } from '../src/auth/jwt.js';
import { LiveEventsGateway } from '../src/realtime/live-events.gateway.js';
import type { TestDatabase } from './api-suite.js';
import {
  client,
  deployXml,
  loginAdmin,
  offeredTaskFlow,
  serviceTaskFlow,
  startInstance,
  testConfig,
} from './http.js';

const JWT_SECRET = 'test-secret-for-the-e2e-suite';
const WAIT_MS = 5_000;

interface Received {
  name: string;
  payload: any;
}

/** A socket and every event it received, to wait on (with a timeout) or to search afterwards. */
class LiveFeed {
  readonly received: Received[] = [];
  private waiters: Array<() => void> = [];

  constructor(readonly socket: Socket) {
    socket.onAny((name: string, payload: unknown) => {
      this.received.push({ name, payload });
      for (const w of this.waiters) w();
    });
  }

  /** The first event (already received or still to come) named `name` that satisfies `match`. */
  waitFor(name: string, match: (payload: any) => boolean = () => true): Promise<any> {
    const find = () => this.received.find((r) => r.name === name && match(r.payload));
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = find();
        if (!hit) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(hit.payload);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`no '${name}' within ${WAIT_MS} ms; got ${this.names().join(', ')}`));
      }, WAIT_MS);
      if (!check()) this.waiters.push(check);
    });
  }

  /** Events about one instance (its own, its tasks', its incidents'). */
  about(instanceId: string): Received[] {
    return this.received.filter(
      (r) => r.payload?.processInstanceId === instanceId || r.payload?.id === instanceId,
    );
  }

  names(): string[] {
    return this.received.map((r) => r.name);
  }
}

function within<T>(what: string, p: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), WAIT_MS);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}

export function realtimeSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`live events over socket.io on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let base = '';
    let admin = '';
    const tokens: Record<string, string> = {};
    const sockets: Socket[] = [];
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0));
    const call = client(() => base);

    const config = (): RuntimeConfig => testConfig(db, { clock });

    function socketOf(auth: Record<string, unknown> | undefined): Socket {
      const s = io(base, {
        ...(auth ? { auth } : {}),
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(s);
      return s;
    }

    /** A connected socket for `token`, with its feed recording from the first event. */
    async function connect(token: string): Promise<LiveFeed> {
      const feed = new LiveFeed(socketOf({ token }));
      await within(
        'connect',
        new Promise<void>((resolve, reject) => {
          feed.socket.once('connect', resolve);
          feed.socket.once('connect_error', reject);
        }),
      );
      return feed;
    }

    /** The handshake's refusal: the `connect_error` message. */
    function refusal(auth: Record<string, unknown> | undefined): Promise<string> {
      const s = socketOf(auth);
      return within(
        'connect_error',
        new Promise<string>((resolve, reject) => {
          s.once('connect', () => reject(new Error('the handshake was accepted')));
          s.once('connect_error', (e: Error) => resolve(e.message));
        }),
      );
    }

    /** Creates a user, signs it in (its token in `tokens`); resolves to its id. */
    async function addUser(username: string, roles: string[]): Promise<string> {
      const r = await call('POST', '/api/users', admin, {
        username,
        password: 'password-123',
        roles,
      });
      expect(r.status).toBe(201);
      const login = await call('POST', '/api/auth/login', undefined, {
        username,
        password: 'password-123',
      });
      tokens[username] = login.body.accessToken as string;
      return r.body.id as string;
    }

    const startOffered = (offerTo: string[]) =>
      startInstance(call, admin, 'live_offer', { offerTo });

    async function completeTask(token: string, taskId: string): Promise<void> {
      const r = await call('POST', `/api/tasks/${taskId}/complete`, token, {});
      expect(r.status).toBe(200);
    }

    function ack(feed: LiveFeed, event: string, body: unknown): Promise<any> {
      return within(event, feed.socket.emitWithAck(event, body));
    }

    beforeAll(async () => {
      db = await open();
      runtime = await createApp(config());
      base = await runtime.listen(0);
      admin = await loginAdmin(call);
      tokens.admin = admin;
      await addUser('wanda.worker', ['worker']);
      await addUser('walt.welder', ['worker']);
      await addUser('ada.auditor', ['auditor']);
      await deployXml(call, admin, 'live_offer', offeredTaskFlow('live_offer'));
      await deployXml(call, admin, 'live_job', serviceTaskFlow('live_job', 'live.failing', 1));
    }, 60_000);

    afterAll(async () => {
      for (const s of sockets) s.disconnect();
      await runtime?.close();
      await db?.drop();
    });

    /** The admin's token claims, re-signed with another expiry (or secret). */
    function adminTokenExpiring(expSeconds: number, secret = JWT_SECRET): string {
      const claims = JSON.parse(Buffer.from(admin.split('.')[1]!, 'base64url').toString('utf8'));
      return signToken({ ...claims, exp: expSeconds }, secret);
    }

    it('refuses a handshake without a token, with a forged one, and with an expired one', async () => {
      const now = Math.floor(clock.now() / 1000);
      expect(await refusal(undefined)).toBe('unauthorized');
      expect(await refusal({ token: '' })).toBe('unauthorized');
      expect(await refusal({ token: 'not-a-jwt' })).toBe('unauthorized');
      expect(await refusal({ token: adminTokenExpiring(now + 600, 'wrong-secret') })).toBe(
        'unauthorized',
      );
      expect(await refusal({ token: adminTokenExpiring(now - 1) })).toBe('unauthorized');
      expect(await refusal({ apiKey: 'sfk_not-a-key' })).toBe('unauthorized');
      // the same claims, signed right and unexpired, are let in
      const ok = await connect(adminTokenExpiring(now + 600));
      expect(ok.socket.connected).toBe(true);
    });

    it('sends an admin the lifecycle of an instance: started, task created, task completed, completed', async () => {
      const feed = await connect(admin);
      const id = await startOffered(['manager']);
      const started = await feed.waitFor('instance.started', (p) => p.id === id);
      expect(started).toEqual({
        id,
        processKey: 'live_offer:1',
        businessKey: null,
        state: 'active',
        activeElementIds: ['approve'],
        parentInstanceId: null,
        actor: 'admin',
        at: new Date(clock.now()).toISOString(),
      });
      const created = await feed.waitFor('task.created', (p) => p.processInstanceId === id);
      expect(created).toEqual({
        id: expect.stringMatching(new RegExp(`^${id}\\.`)),
        processInstanceId: id,
        processKey: 'live_offer:1',
        elementId: 'approve',
        name: 'Approve the permit',
        assignee: null,
        candidateRoles: ['manager'],
        formKey: null,
        actor: 'admin',
        at: expect.any(String),
      });
      await completeTask(admin, created.id);
      const completed = await feed.waitFor('task.completed', (p) => p.id === created.id);
      expect(completed).toMatchObject({ processInstanceId: id, elementId: 'approve' });
      const ended = await feed.waitFor('instance.completed', (p) => p.id === id);
      expect(ended.state).toBe('completed');
      expect(feed.about(id).map((r) => r.name)).toEqual([
        'instance.started',
        'task.created',
        'task.completed',
        'instance.completed',
      ]);
      // small DTOs: no variables, no engine state
      expect(JSON.stringify(feed.about(id))).not.toContain('offerTo');
    });

    it('gives a worker only tasks offered to its role, and their instances; the auditor everything', async () => {
      const wanda = await connect(tokens['wanda.worker']!);
      const auditor = await connect(tokens['ada.auditor']!);
      const forManagers = await startOffered(['manager']);
      const forWorkers = await startOffered(['safety-officer', 'worker']);
      const offered = await wanda.waitFor(
        'task.created',
        (p) => p.processInstanceId === forWorkers,
      );
      expect(offered.candidateRoles).toEqual(['safety-officer', 'worker']);
      await wanda.waitFor('instance.started', (p) => p.id === forWorkers);
      // forManagers was committed first: had it been sent to wanda, it would be here by now
      expect(wanda.about(forManagers)).toEqual([]);
      await auditor.waitFor('task.created', (p) => p.processInstanceId === forManagers);
      await auditor.waitFor('task.created', (p) => p.processInstanceId === forWorkers);

      const w = await call('POST', `/api/tasks/${offered.id}/complete`, tokens['wanda.worker'], {});
      expect(w.status).toBe(200);
      await wanda.waitFor('task.completed', (p) => p.id === offered.id);
      expect((await wanda.waitFor('instance.completed', (p) => p.id === forWorkers)).actor).toBe(
        'wanda.worker',
      );
      expect(wanda.about(forManagers)).toEqual([]);
    });

    it('sends an assigned task to its assignee only; the other candidates hear that it left', async () => {
      const wanda = await connect(tokens['wanda.worker']!);
      const walt = await connect(tokens['walt.welder']!);
      const id = await startOffered(['worker']);
      const task = await walt.waitFor('task.created', (p) => p.processInstanceId === id);
      await wanda.waitFor('task.created', (p) => p.id === task.id);
      await runtime.engineHost.execute([id], 'admin', (engine) =>
        engine.assignTask(task.id, 'wanda.worker'),
      );
      for (const feed of [wanda, walt]) {
        const assigned = await feed.waitFor('task.assigned', (p) => p.id === task.id);
        expect(assigned.assignee).toBe('wanda.worker');
      }
      await completeTask(tokens['wanda.worker']!, task.id);
      await wanda.waitFor('task.completed', (p) => p.id === task.id);
      await wanda.waitFor('instance.completed', (p) => p.id === id);
      // a later event walt does receive proves the completion was not sent to him
      const later = await startOffered(['worker']);
      await walt.waitFor('task.created', (p) => p.processInstanceId === later);
      expect(walt.about(id).map((r) => r.name)).toEqual([
        'instance.started',
        'task.created',
        'task.assigned',
      ]);
    });

    it('announces the incident of a failing job, the instance entering incident, and its resolution', async () => {
      const feed = await connect(admin);
      const wanda = await connect(tokens['wanda.worker']!);
      runtime.jobs.handlers.register('live.failing', () => {
        throw new Error('gas detector offline');
      });
      const id = await startInstance(call, admin, 'live_job');
      expect(await runtime.jobs.runDue()).toBeGreaterThanOrEqual(1);
      const incident = await feed.waitFor('incident.created', (p) => p.processInstanceId === id);
      expect(incident).toEqual({
        id: expect.any(String),
        processInstanceId: id,
        processKey: 'live_job:1',
        elementId: 'work',
        type: 'JOB_NO_RETRIES',
        message: expect.stringContaining('gas detector offline'),
        jobKey: expect.any(String),
        actor: expect.any(String),
        at: expect.any(String),
      });
      const updated = await feed.waitFor('instance.updated', (p) => p.id === id);
      expect(updated.state).toBe('incident');

      runtime.jobs.handlers.register('live.failing', () => ({}));
      const r = await call('POST', `/api/incidents/${incident.id}/resolve`, admin, {
        action: 'retry',
      });
      expect(r.status).toBe(200);
      const resolved = await feed.waitFor('incident.resolved', (p) => p.id === incident.id);
      expect(resolved).toMatchObject({ processInstanceId: id, elementId: 'work', actor: 'admin' });
      await runtime.jobs.runDue();
      await feed.waitFor('task.created', (p) => p.processInstanceId === id);
      // the job's instance has no task for a worker: none of it reached wanda
      const later = await startOffered(['worker']);
      await wanda.waitFor('task.created', (p) => p.processInstanceId === later);
      expect(wanda.about(id)).toEqual([]);
    });

    it('role-checks subscribe:instance and streams the activity of a followed instance', async () => {
      const wanda = await connect(tokens['wanda.worker']!);
      const auditor = await connect(tokens['ada.auditor']!);
      expect(await ack(wanda, 'subscribe:instance', {})).toEqual({
        ok: false,
        error: expect.stringContaining('processInstanceId'),
      });
      expect(await ack(wanda, 'subscribe:instance', 'x')).toMatchObject({ ok: false });
      expect(await ack(auditor, 'subscribe:instance', { processInstanceId: 'nope' })).toEqual({
        ok: false,
        error: "no process instance 'nope'",
      });
      const managers = await startOffered(['manager']);
      expect(await ack(wanda, 'subscribe:instance', { processInstanceId: managers })).toEqual({
        ok: false,
        error: expect.stringContaining('forbidden'),
      });
      const hers = await startOffered(['worker']);
      const yes = await ack(wanda, 'subscribe:instance', { processInstanceId: hers });
      expect(yes).toEqual({
        ok: true,
        instance: {
          id: hers,
          processKey: 'live_offer:1',
          businessKey: null,
          state: 'active',
          activeElementIds: ['approve'],
          parentInstanceId: null,
        },
      });
      expect(
        await ack(auditor, 'subscribe:instance', { processInstanceId: managers }),
      ).toMatchObject({ ok: true });
      const [task] = (await call('GET', `/api/tasks?processInstanceId=${hers}`, admin)).body;
      await completeTask(admin, task.id);
      const step = await wanda.waitFor(
        'instance.activity',
        (p) => p.processInstanceId === hers && p.type === 'instance.completed',
      );
      expect(Object.keys(step).sort()).toEqual([
        'at',
        'elementId',
        'processInstanceId',
        'seq',
        'type',
      ]);
      expect(await ack(wanda, 'unsubscribe:instance', { processInstanceId: hers })).toEqual({
        ok: true,
      });
    });

    it('after a restart, still sends the completion of an older task to its assignee only', async () => {
      const id = await startOffered(['worker']);
      const [task] = (await call('GET', `/api/tasks?processInstanceId=${id}`, admin)).body;
      await runtime.engineHost.execute([id], 'admin', (engine) =>
        engine.assignTask(task.id, 'wanda.worker'),
      );
      await runtime.close();
      runtime = await createApp(config());
      base = await runtime.listen(0);
      // the new process has never seen the task: who it was for is read back from the event log
      const wanda = await connect(tokens['wanda.worker']!);
      const walt = await connect(tokens['walt.welder']!);
      await completeTask(admin, task.id);
      const done = await wanda.waitFor('task.completed', (p) => p.id === task.id);
      expect(done).toMatchObject({
        processInstanceId: id,
        assignee: 'wanda.worker',
        candidateRoles: ['worker'],
      });
      await wanda.waitFor('instance.completed', (p) => p.id === id);
      const later = await startOffered(['worker']);
      await walt.waitFor('task.created', (p) => p.processInstanceId === later);
      expect(walt.about(id)).toEqual([]);
    });

    it('accepts an API key; a revoked key or a disabled account loses its socket at the next check', async () => {
      const created = await call('POST', '/api/api-keys', admin, {
        name: 'scada-bridge',
        roles: ['integrator'],
      });
      expect(created.status).toBe(201);
      const bridge = new LiveFeed(socketOf({ apiKey: created.body.key }));
      await within(
        'api key connect',
        new Promise<void>((resolve) => bridge.socket.once('connect', () => resolve())),
      );
      expect(await refusal({ apiKey: created.body.key, token: admin })).toBe('unauthorized');
      const dora = await addUser('dora.disabled', ['worker']);
      const doraFeed = await connect(tokens['dora.disabled']!);
      const id = await startOffered(['manager']);
      // an integrator key oversees: it gets every event
      await bridge.waitFor('task.created', (p) => p.processInstanceId === id);

      const gateway = runtime.app.get(LiveEventsGateway);
      expect(await gateway.recheckAll()).toBe(0);
      expect((await call('DELETE', `/api/api-keys/${created.body.id}`, admin)).status).toBe(204);
      expect((await call('PATCH', `/api/users/${dora}`, admin, { disabled: true })).status).toBe(
        200,
      );
      const gone = (feed: LiveFeed) =>
        within('disconnect', new Promise<string>((r) => feed.socket.once('disconnect', r)));
      const closing = [gone(bridge), gone(doraFeed)];
      expect(await gateway.recheckAll()).toBe(2);
      expect(await Promise.all(closing)).toEqual(['io server disconnect', 'io server disconnect']);
      expect(await refusal({ apiKey: created.body.key })).toBe('unauthorized');
      expect(await refusal({ token: tokens['dora.disabled'] })).toBe('unauthorized');
    });

    it('closes a socket when its token expires', async () => {
      const feed = await connect(adminTokenExpiring(Math.floor(clock.now() / 1000) + 1));
      const reason = await within(
        'disconnect at expiry',
        new Promise<string>((resolve) => feed.socket.once('disconnect', resolve)),
      );
      expect(reason).toBe('io server disconnect');
    });
  });
}
