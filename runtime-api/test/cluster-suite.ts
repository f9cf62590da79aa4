/**
 * Several replicas on one PostgreSQL (runtime-api/src/cluster): two apps on the same fresh schema,
 * each with its own HTTP server and socket.io. What one replica commits reaches the sockets of the
 * other, in order and once; a plugin configured on one is restarted with that configuration on the
 * other; the listening connection, killed, comes back and what was committed meanwhile still
 * arrives; a process deployed on one replica can be started on the other at once, with the same
 * versions on both, even when the deployment notice was lost. Duplicates are checked with a barrier: each replica hands a socket its commits in
 * ledger order, so once a later commit has arrived, an earlier one is never delivered again.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, ManualClock, type RuntimeApp, type RuntimeConfig } from '@safeflow/runtime-api';
import { ClusterBus } from '../src/cluster/cluster-bus.js';
import { DeploymentNotices } from '../src/cluster/deployment-notices.js';
import { EngineHost } from '../src/engine-host/engine-host.js';
import type { TestDatabase } from './api-suite.js';
import {
  client,
  deployXml,
  gasCheckFlow,
  loginAdmin,
  offeredTaskFlow,
  startInstance,
  testConfig,
  userToken,
} from './http.js';

const WAIT_MS = 10_000;
const FIXTURES = new URL('./plugins/fixtures/', import.meta.url).pathname;
const GAS = 'safeflow-plugin-gas-detector';

/** Every log line one replica writes, parsed; tests wait for a line instead of sleeping. */
class LogCapture {
  readonly lines: Array<Record<string, unknown>> = [];
  private waiters: Array<{ test: (l: Record<string, unknown>) => boolean; done: () => void }> = [];

  write(line: string): void {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    this.lines.push(parsed);
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(parsed)) return true;
      w.done();
      return false;
    });
  }

  count(test: (l: Record<string, unknown>) => boolean): number {
    return this.lines.filter(test).length;
  }

  /** Resolves when the `nth` line matching `test` is written (or already was). */
  waitFor(test: (l: Record<string, unknown>) => boolean, nth = 1): Promise<void> {
    let seen = this.count(test);
    if (seen >= nth) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('log line not written in time')), WAIT_MS);
      this.waiters.push({
        test: (l) => test(l) && ++seen >= nth,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

interface Received {
  name: string;
  payload: any;
}

/** A socket and every event it received, to wait on (with a timeout) or to search afterwards. */
class LiveFeed {
  readonly received: Received[] = [];
  private waiters: Array<() => boolean> = [];

  constructor(readonly socket: Socket) {
    socket.onAny((name: string, payload: unknown) => {
      this.received.push({ name, payload });
      this.waiters = this.waiters.filter((w) => !w());
    });
  }

  waitFor(name: string, match: (payload: any) => boolean = () => true): Promise<any> {
    const find = () => this.received.find((r) => r.name === name && match(r.payload));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no '${name}' within ${WAIT_MS} ms; got ${this.names().join()}`)),
        WAIT_MS,
      );
      const check = () => {
        const hit = find();
        if (!hit) return false;
        clearTimeout(timer);
        resolve(hit.payload);
        return true;
      };
      if (!check()) this.waiters.push(check);
    });
  }

  /** Events about one instance (its own, its tasks'). */
  about(instanceId: string): Received[] {
    return this.received.filter(
      (r) => r.payload?.processInstanceId === instanceId || r.payload?.id === instanceId,
    );
  }

  names(instanceId?: string): string[] {
    return (instanceId ? this.about(instanceId) : this.received).map((r) => r.name);
  }
}

const ofInstance = (id: string) => (p: any) => p.processInstanceId === id || p.id === id;

export function clusterSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`several replicas on ${name}`, () => {
    let db: TestDatabase;
    let a: RuntimeApp;
    let b: RuntimeApp;
    let baseA = '';
    let baseB = '';
    let admin = '';
    let worker = '';
    let pluginsDir = '';
    const logA = new LogCapture();
    const logB = new LogCapture();
    const sockets: Socket[] = [];
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 9, 0));
    const onA = client(() => baseA);
    const onB = client(() => baseB);

    const config = (log: LogCapture): RuntimeConfig =>
      testConfig(db, {
        clock,
        logLevel: 'info',
        logDestination: log,
        pluginsDir,
        plugins: [],
        // Jobs run only when a test says which replica works them.
        jobPollMs: 0,
        timerPollMs: 0,
      });

    async function connect(base: string, token: string): Promise<LiveFeed> {
      const socket = io(base, {
        auth: { token },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      const feed = new LiveFeed(socket);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('socket did not connect')), WAIT_MS);
        socket.once('connect', () => (clearTimeout(timer), resolve()));
        socket.once('connect_error', (e) => (clearTimeout(timer), reject(e)));
      });
      return feed;
    }

    const configureGas = (limitPpm: number) =>
      onA('PUT', `/api/plugins/${GAS}/config`, admin, {
        config: {
          endpoint: 'http://127.0.0.1:9/hooks',
          apiToken: 'gas-api-token-7f3a9c21e8',
          limitPpm,
        },
      });

    const gasStartedOnB = (l: Record<string, unknown>) =>
      l.msg === 'plugin started' && l.plugin === GAS;

    beforeAll(async () => {
      db = await open();
      // Only the well-behaved fixture: the other replica restarts it with what A stored.
      pluginsDir = mkdtempSync(join(tmpdir(), 'safeflow-cluster-plugins-'));
      cpSync(join(FIXTURES, 'folder', 'gas-detector'), join(pluginsDir, 'gas-detector'), {
        recursive: true,
      });
      a = await createApp(config(logA));
      baseA = await a.listen(0);
      admin = await loginAdmin(onA);
      worker = await userToken(onA, admin, 'wanda.worker', ['worker']);
      await deployXml(onA, admin, 'cluster_offer', offeredTaskFlow('cluster_offer'));
      await deployXml(onA, admin, 'cluster_gas', gasCheckFlow('cluster_gas', 1));
      expect((await configureGas(10)).status).toBe(200);
      // B starts after the deployments (each replica loads them at startup) and the configuration.
      b = await createApp(config(logB));
      baseB = await b.listen(0);
      await logB.waitFor(gasStartedOnB);
    }, 60_000);

    afterAll(async () => {
      for (const s of sockets) s.disconnect();
      await b?.close();
      await a?.close();
      await db?.drop();
      if (pluginsDir) rmSync(pluginsDir, { recursive: true, force: true });
    });

    /**
     * Starts an instance on B and waits until `feeds` on A have its task: everything B's and A's
     * own commits before it has been delivered to them by then.
     */
    async function barrier(...feeds: LiveFeed[]): Promise<void> {
      const id = await startInstance(onB, admin, 'cluster_offer', { offerTo: ['nobody'] });
      for (const f of feeds) await f.waitFor('task.created', ofInstance(id));
    }

    it('a socket on replica B hears what replica A commits, in order and once; A delivers its own once', async () => {
      const adminA = await connect(baseA, admin);
      const adminB = await connect(baseB, admin);
      const workerB = await connect(baseB, worker);

      const id = await startInstance(onA, admin, 'cluster_offer', { offerTo: ['worker'] });
      const task = await adminB.waitFor('task.created', ofInstance(id));
      expect(task).toMatchObject({ processInstanceId: id, candidateRoles: ['worker'] });
      await workerB.waitFor('task.created', ofInstance(id));
      expect((await onA('POST', `/api/tasks/${task.id}/complete`, admin, {})).status).toBe(200);
      for (const f of [adminA, adminB, workerB])
        await f.waitFor('instance.completed', ofInstance(id));
      await barrier(adminA, adminB);

      const wanted = ['task.created', 'task.completed', 'instance.completed'];
      for (const f of [adminA, adminB, workerB]) {
        const names = f.names(id);
        expect(names.filter((n) => wanted.includes(n))).toEqual(wanted);
        expect(new Set(names).size).toBe(names.length);
      }
      // The same events, payloads and order on both replicas: one delivery path.
      expect(adminB.about(id)).toEqual(adminA.about(id));
      expect(workerB.about(id).map((r) => r.payload)).toEqual(
        adminA
          .about(id)
          .filter((r) => workerB.names(id).includes(r.name))
          .map((r) => r.payload),
      );
      expect(adminB.about(id).find((r) => r.name === 'task.completed')?.payload).toMatchObject({
        id: task.id,
        actor: 'admin',
      });
    });

    it('a plugin configured on replica A is restarted with that configuration on replica B', async () => {
      // Before: B works the check with the limit it started with.
      const before = await startInstance(onA, admin, 'cluster_gas', { h2sPpm: 15 });
      expect(await b.jobs.runDue()).toBeGreaterThanOrEqual(1);
      const evacuating = await onB('GET', `/api/process-instances/${before}`, admin);
      expect(evacuating.body.activeElementIds).toEqual(['evacuate']);

      const restarts = logB.count(gasStartedOnB);
      expect((await configureGas(20)).status).toBe(200);
      await logB.waitFor(
        (l) => l.msg === 'plugin configuration changed on another replica' && l.plugin === GAS,
      );
      await logB.waitFor(gasStartedOnB, restarts + 1);

      const after = await startInstance(onA, admin, 'cluster_gas', { h2sPpm: 15 });
      expect(await b.jobs.runDue()).toBeGreaterThanOrEqual(1);
      const passed = await onB('GET', `/api/process-instances/${after}`, admin);
      expect(passed.body.activeElementIds).toEqual(['ok']);
      expect(passed.body.variables).toMatchObject({ gasOk: true, limitPpm: 20 });
      // A's own change is not applied twice on A.
      expect(logA.count((l) => l.msg === 'plugin configuration changed on another replica')).toBe(
        0,
      );
    });

    /** Kills B's listening backend; resolves once B has noticed (its reconnect is under way). */
    async function killListenerOfB(): Promise<{ pid: number; restored: Promise<void> }> {
      const bus = b.app.get(ClusterBus);
      const pid = bus.listenerPid();
      expect(pid).toEqual(expect.any(Number));
      const lostBefore = logB.count((l) =>
        String(l.msg).startsWith('cluster listening connection lost'),
      );
      const lost = logB.waitFor(
        (l) => String(l.msg).startsWith('cluster listening connection lost'),
        lostBefore + 1,
      );
      const restoredBefore = logB.count((l) => l.msg === 'cluster listening connection restored');
      const restored = logB.waitFor(
        (l) => l.msg === 'cluster listening connection restored',
        restoredBefore + 1,
      );
      const superuser = new pg.Client({ connectionString: db.config().databaseUrl });
      await superuser.connect();
      try {
        const killed = await superuser.query('SELECT pg_terminate_backend($1) AS ok', [pid]);
        expect(killed.rows[0].ok).toBe(true);
      } finally {
        await superuser.end();
      }
      await lost;
      return { pid: pid!, restored };
    }

    /**
     * Checks that both replicas' engines hold the same process versions and that both serve the
     * same definitions; resolves to the version keys.
     */
    async function sameVersionsOnBoth(): Promise<string[]> {
      const keysOf = (app: RuntimeApp) =>
        app.app
          .get(EngineHost)
          .engine.listProcesses()
          .map((p) => p.key)
          .sort();
      const keys = keysOf(a);
      expect(keysOf(b)).toEqual(keys);
      const servedA = await onA('GET', '/api/process-definitions', admin);
      const servedB = await onB('GET', '/api/process-definitions', admin);
      expect(servedA.status).toBe(200);
      expect(servedB.body).toEqual(servedA.body);
      expect(servedA.body.map((d: { key: string }) => d.key).sort()).toEqual(keys);
      return keys;
    }

    it('a process deployed on replica A is started on replica B at once, with the same versions', async () => {
      await deployXml(onA, admin, 'cluster_fresh', offeredTaskFlow('cluster_fresh'));
      // No waiting for the notice: B loads what it lacks when the start meets an unknown process.
      const id = await startInstance(onB, admin, 'cluster_fresh', { offerTo: ['worker'] });
      const started = await onB('GET', `/api/process-instances/${id}`, admin);
      expect(started.body).toMatchObject({ processKey: 'cluster_fresh:1', state: 'active' });
      expect(started.body.activeElementIds).toEqual(['approve']);

      // A second version deployed on A: once B has heard of it, B starts the new one, numbered as
      // on A. (A start by process id finds the version B has, so it is the notice that carries a
      // newer one.)
      const loadedOnB = (deploymentId: string) =>
        logB.waitFor(
          (l) =>
            l.msg === 'deployment of another replica loaded' && l.deploymentId === deploymentId,
        );
      const v2 = await onA('POST', '/api/deployments', admin, {
        name: 'cluster_fresh',
        resources: [
          {
            name: 'cluster_fresh.bpmn',
            content: offeredTaskFlow('cluster_fresh').replace(
              'Approve the permit',
              'Approve the hot-work permit',
            ),
          },
        ],
      });
      expect(v2.status).toBe(201);
      await loadedOnB(v2.body.id);
      const second = await startInstance(onB, admin, 'cluster_fresh', { offerTo: ['worker'] });
      expect((await onB('GET', `/api/process-instances/${second}`, admin)).body.processKey).toBe(
        'cluster_fresh:2',
      );
      expect(await sameVersionsOnBoth()).toEqual(
        expect.arrayContaining(['cluster_fresh:1', 'cluster_fresh:2']),
      );
    });

    it('a deployment made while B does not listen is still usable on B; the same content twice makes no new version', async () => {
      const { restored } = await killListenerOfB();
      // Stored while B's listening connection is down: its notice never reaches B.
      await deployXml(onA, admin, 'cluster_missed', offeredTaskFlow('cluster_missed'));
      const id = await startInstance(onB, admin, 'cluster_missed', { offerTo: ['worker'] });
      const started = await onB('GET', `/api/process-instances/${id}`, admin);
      expect(started.body).toMatchObject({ processKey: 'cluster_missed:1', state: 'active' });
      await restored;

      // The same content again on A: no new version there, nor on B once B has loaded the row.
      await deployXml(onA, admin, 'cluster_missed', offeredTaskFlow('cluster_missed'));
      await b.app.get(EngineHost).deployments.loadNew();
      const keys = await sameVersionsOnBoth();
      expect(keys.filter((k) => k.startsWith('cluster_missed:'))).toEqual(['cluster_missed:1']);
      const again = await startInstance(onB, admin, 'cluster_missed', { offerTo: ['worker'] });
      expect((await onB('GET', `/api/process-instances/${again}`, admin)).body.processKey).toBe(
        'cluster_missed:1',
      );
    });

    it('a deployment whose notice never comes is loaded by B when a start needs it', async () => {
      // A sends no deployment notice at all (as if it stopped right after the commit).
      const noticesOfA = a.app.get(DeploymentNotices);
      noticesOfA.onApplicationShutdown();
      try {
        await deployXml(onA, admin, 'cluster_silent', offeredTaskFlow('cluster_silent'));
      } finally {
        await noticesOfA.onModuleInit();
      }
      const hostB = b.app.get(EngineHost);
      expect(hostB.engine.listProcesses().map((p) => p.key)).not.toContain('cluster_silent:1');
      const id = await startInstance(onB, admin, 'cluster_silent', { offerTo: ['worker'] });
      const started = await onB('GET', `/api/process-instances/${id}`, admin);
      expect(started.body).toMatchObject({ processKey: 'cluster_silent:1', state: 'active' });
      // Nothing is missing any more: an unknown process is still refused, after one catch-up query.
      const unknown = await onB('POST', '/api/process-instances', admin, {
        processKey: 'cluster_nowhere',
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('PROCESS_NOT_FOUND');
      expect(await sameVersionsOnBoth()).toContain('cluster_silent:1');
    });

    it('the listening connection, killed, reconnects; what was committed meanwhile still arrives', async () => {
      const adminA = await connect(baseA, admin);
      const adminB = await connect(baseB, admin);
      const bus = b.app.get(ClusterBus);
      const { pid, restored } = await killListenerOfB();
      // Committed while B is (most likely) not listening: its NOTIFY is lost to B.
      const id = await startInstance(onA, admin, 'cluster_offer', { offerTo: ['worker'] });
      await restored;
      expect(bus.listenerPid()).toEqual(expect.any(Number));
      expect(bus.listenerPid()).not.toBe(pid);

      await adminB.waitFor('task.created', ofInstance(id));
      await barrier(adminA, adminB);
      expect(adminB.names(id)).toEqual(adminA.names(id));
      expect(adminB.names(id).filter((n) => n === 'task.created')).toHaveLength(1);
    });
  });
}
