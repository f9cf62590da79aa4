/**
 * The plugin host end to end over HTTP, once per database: fixture plugins (test/plugins/fixtures)
 * loaded from a plugins folder and, as an npm package, by name; configured over the API (schema
 * errors, secrets encrypted and never shown or logged); used by deployed flows through the job
 * worker; and the failure cases — throw, reject, hang, bad config, failing init, incompatible
 * SDK — each contained to its own plugin. The clock is injected (back-off passes by moving it);
 * plugin time limits are real but short, and tests wait on log lines and promises, never sleeps.
 */
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, ManualClock, type RuntimeApp, type RuntimeConfig } from '@safeflow/runtime-api';
import { JobEntity } from '../src/persistence/entities.js';
import { PluginConfigEntity } from '../src/persistence/plugin-entities.js';
import { FactsService } from '../src/plugins/facts.service.js';
import { RuleOperatorsService } from '../src/plugins/rule-operators.service.js';
import type { TestDatabase } from './api-suite.js';
import {
  client,
  deployXml,
  gasCheckFlow,
  getInstance,
  loginAdmin,
  serviceTaskFlow,
  startInstance,
  testConfig,
} from './http.js';

const FIXTURES = new URL('./plugins/fixtures/', import.meta.url).pathname;
const GAS = 'safeflow-plugin-gas-detector';
const TOKEN = 'gas-api-token-7f3a9c21e8';
const CALL_TIMEOUT_MS = 1500;
const HOOK_TIMEOUT_MS = 500;
/** Each plugin's worker heap: small, so the memory hog reaches it quickly. */
const PLUGIN_HEAP_MB = 64;
const SPIN = 'safeflow-plugin-spinning';

/** Every log line the runtime writes, parsed; tests wait for a line instead of sleeping. */
class LogCapture {
  readonly raw: string[] = [];
  private waiters: Array<{ test: (l: Record<string, unknown>) => boolean; done: () => void }> = [];

  write(line: string): void {
    this.raw.push(line);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(parsed)) return true;
      w.done();
      return false;
    });
  }

  lines(): Array<Record<string, unknown>> {
    return this.raw.map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  text(): string {
    return this.raw.join('');
  }

  /** Resolves when a line matching `test` is written (or already was); rejects after `ms`. */
  waitFor(test: (l: Record<string, unknown>) => boolean, ms = 5000): Promise<void> {
    if (this.lines().some(test)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('log line not written in time')), ms);
      this.waiters.push({
        test,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/** A webhook receiver for the fixture's notifier. */
interface Received {
  headers: IncomingHttpHeaders;
  body: any;
}

function webhookReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(text) });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}/hooks/safeflow`, received });
    }),
  );
}

/**
 * A wind gate built only from the built-in plugin task types: fetch the wind speed (params from
 * headers) and the crew on shift (params from an input mapping), then notify the supervisor with a
 * title and text made by FEEL input mappings.
 */
function windGateFlow(processId: string, notifier = 'test-webhook', provider = 'wind-speed') {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_${processId}" targetNamespace="http://safeflow.io/test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fetchWind"/>
    <bpmn:serviceTask id="fetchWind" name="Wind speed">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="safeflow:fact" retries="2"/>
        <zeebe:taskHeaders>
          <zeebe:header key="provider" value="${provider}"/>
          <zeebe:header key="resultVariable" value="wind"/>
          <zeebe:header key="site" value="unit-3"/>
        </zeebe:taskHeaders>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="fetchWind" targetRef="crewOnShift"/>
    <bpmn:serviceTask id="crewOnShift" name="Crew on shift">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="safeflow:fact" retries="2"/>
        <zeebe:taskHeaders>
          <zeebe:header key="provider" value="permit-roster.on-shift"/>
          <zeebe:header key="resultVariable" value="crew"/>
        </zeebe:taskHeaders>
        <zeebe:ioMapping><zeebe:input source="={site: site}" target="params"/></zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="crewOnShift" targetRef="tellSupervisor"/>
    <bpmn:serviceTask id="tellSupervisor" name="Tell the supervisor">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="safeflow:notify" retries="2"/>
        <zeebe:taskHeaders>
          <zeebe:header key="notifier" value="${notifier}"/>
          <zeebe:header key="severity" value="warning"/>
          <zeebe:header key="recipients" value="shift-supervisor, hse-desk"/>
        </zeebe:taskHeaders>
        <zeebe:ioMapping>
          <zeebe:input source="=&quot;Wind at &quot; + site + &quot;: &quot; + string(wind.value) + &quot; &quot; + wind.unit" target="title"/>
          <zeebe:input source="=&quot;Crew on shift: &quot; + string(count(crew.value))" target="text"/>
        </zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f4" sourceRef="tellSupervisor" targetRef="decide"/>
    <bpmn:userTask id="decide" name="Decide on the lift"/>
    <bpmn:sequenceFlow id="f5" sourceRef="decide" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;
}

export function pluginsSuite(name: string, open: () => Promise<TestDatabase>): void {
  describe(`plugin host on ${name}`, () => {
    let db: TestDatabase;
    let runtime: RuntimeApp;
    let base = '';
    let admin = '';
    const token: Record<string, string> = {};
    let pluginsDir = '';
    let log = new LogCapture();
    let hook: Awaited<ReturnType<typeof webhookReceiver>>;
    const clock = new ManualClock(Date.UTC(2026, 10, 24, 6, 0));
    const call = client(() => base);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);

    const config = (extra: Partial<RuntimeConfig> = {}): RuntimeConfig =>
      testConfig(db, {
        clock,
        logLevel: 'debug',
        logDestination: log,
        pluginsDir,
        plugins: [
          'safeflow-plugin-permit-roster',
          '@safeflow/plugin-sdk',
          'safeflow-plugin-not-installed',
        ],
        pluginTimeoutMs: CALL_TIMEOUT_MS,
        pluginHookTimeoutMs: HOOK_TIMEOUT_MS,
        pluginMaxHeapMb: PLUGIN_HEAP_MB,
        jobPollMs: 0,
        timerPollMs: 0,
        ...extra,
      });

    const boot = async (extra: Partial<RuntimeConfig> = {}) => {
      runtime = await createApp(config(extra));
      base = await runtime.listen(0);
      admin = await loginAdmin(call);
    };

    const plugin = async (pluginName: string, as = admin) =>
      (await call('GET', `/api/plugins/${encodeURIComponent(pluginName)}`, as)).body;

    const incidentsOf = async (instanceId: string) =>
      (await call('GET', `/api/incidents?processInstanceId=${instanceId}`, admin)).body as Array<{
        message: string;
        type: string;
      }>;

    /** Job passes until one finds nothing to do (a flow's next job is created by the previous). */
    const drainJobs = async () => {
      for (let pass = 0; pass < 10; pass++) if ((await runtime.jobs.runDue()) === 0) return;
      throw new Error('jobs keep coming after 10 passes');
    };

    /** Resolves when plugin `name` has been started on its `restarts`-th replacement worker. */
    const restarted = (name: string, restarts: number) =>
      log.waitFor(
        (l) => l.msg === 'plugin started' && l.plugin === name && l.restarts === restarts,
        15_000,
      );

    const jobOf = async (instanceId: string) =>
      (await runtime.dataSource.getRepository(JobEntity).findBy({ instanceId }))[0];

    const configureGas = (extra: Record<string, unknown> = {}, as = admin) =>
      call('PUT', `/api/plugins/${GAS}/config`, as, {
        config: { endpoint: hook.url, apiToken: TOKEN, limitPpm: 10, ...extra },
      });

    beforeAll(async () => {
      process.on('unhandledRejection', onUnhandled);
      // Something a plugin must not find in its worker's environment (the runtime's own settings).
      process.env.SAFEFLOW_TEST_CANARY = 'runtime-only-canary';
      db = await open();
      // The fixtures, as an operator would lay them out: plugin folders in the plugins dir, and
      // an npm package installed with `npm install --prefix <pluginsDir>`.
      pluginsDir = mkdtempSync(join(tmpdir(), 'safeflow-plugins-'));
      cpSync(join(FIXTURES, 'folder'), pluginsDir, { recursive: true });
      cpSync(join(FIXTURES, 'packages'), join(pluginsDir, 'node_modules'), { recursive: true });
      hook = await webhookReceiver();
      await boot();
      for (const [username, roles] of [
        ['wanda.worker', ['worker']],
        ['audrey.auditor', ['auditor']],
        ['ivan.integrator', ['integrator']],
      ] as const) {
        const created = await call('POST', '/api/users', admin, {
          username,
          password: 'password-123',
          roles,
        });
        expect(created.status).toBe(201);
        const login = await call('POST', '/api/auth/login', undefined, {
          username,
          password: 'password-123',
        });
        token[roles[0]] = login.body.accessToken;
      }
    }, 60_000);

    afterAll(async () => {
      process.off('unhandledRejection', onUnhandled);
      delete process.env.SAFEFLOW_TEST_CANARY;
      delete (globalThis as Record<string, unknown>).__safeflowRuntimeMarker;
      await runtime?.close();
      await new Promise((resolve) => hook?.server.close(resolve));
      await db?.drop();
      if (pluginsDir) rmSync(pluginsDir, { recursive: true, force: true });
    });

    it('lists every plugin with its status; failures are contained to their plugin', async () => {
      const r = await call('GET', '/api/plugins', token.auditor);
      expect(r.status).toBe(200);
      const byName = new Map<string, any>(r.body.map((p: any) => [p.name, p]));
      expect([...byName.keys()].sort()).toEqual(
        [
          '@safeflow/plugin-sdk',
          'safeflow-plugin-bad-config',
          GAS,
          'safeflow-plugin-hanging',
          'safeflow-plugin-incompatible-sdk',
          'safeflow-plugin-init-hangs',
          'safeflow-plugin-init-throws',
          'safeflow-plugin-memory-hog',
          'safeflow-plugin-not-installed',
          'safeflow-plugin-permit-roster',
          'safeflow-plugin-rejecting',
          'safeflow-plugin-snooping',
          SPIN,
          'safeflow-plugin-stray-throw',
          'safeflow-plugin-throwing',
          'safeflow-plugin-twin-gas-detector',
          'safeflow-plugin-wrong-name',
        ].sort(),
      );
      // The folder without a "safeflow" manifest is not a plugin.
      expect(byName.has('just-a-folder')).toBe(false);

      // Loaded, but not configured yet: down, saying which fields are missing.
      expect(byName.get(GAS)).toMatchObject({
        version: '1.2.0',
        displayName: 'Gas detector (test fixture)',
        source: 'folder',
        sdk: '^1.0.0',
        status: 'down',
        health: null,
        secretFields: ['apiToken'],
        contributions: {
          taskTypes: ['gas-detector:check', 'gas-detector:leaky'],
          factProviders: ['wind-speed'],
          connectors: ['simulated'],
          notifiers: ['test-webhook'],
          ruleOperators: ['aboveLimit'],
          elementTemplates: ['gas-detector.check', 'gas-detector.check-from-file'],
        },
      });
      expect(byName.get(GAS).lastError).toContain('not configured');
      expect(byName.get(GAS).lastError).toContain('/endpoint is required');

      // By package name from <pluginsDir>/node_modules, plain JavaScript: up.
      expect(byName.get('safeflow-plugin-permit-roster')).toMatchObject({
        source: 'package',
        version: '2.0.1',
        status: 'up',
        health: { status: 'up', connections: [] },
        lastError: null,
        contributions: { factProviders: ['permit-roster.on-shift'] },
      });

      // Running, but their health checks throw, say degraded, or hang: red / amber.
      expect(byName.get('safeflow-plugin-throwing')).toMatchObject({
        status: 'down',
        health: { status: 'down', detail: expect.stringContaining('health probe crashed') },
      });
      expect(byName.get('safeflow-plugin-rejecting')).toMatchObject({
        status: 'degraded',
        health: { status: 'degraded', detail: 'half of the gas sensors are offline' },
      });
      expect(byName.get('safeflow-plugin-hanging')).toMatchObject({
        status: 'down',
        health: {
          status: 'down',
          detail: `plugin 'safeflow-plugin-hanging' health timed out after ${HOOK_TIMEOUT_MS} ms`,
        },
      });

      // init throws / hangs: down with the reason, nothing else affected.
      expect(byName.get('safeflow-plugin-init-throws')).toMatchObject({
        status: 'down',
        health: null,
        lastError: "plugin 'safeflow-plugin-init-throws' init failed: licence server unreachable",
      });
      expect(byName.get('safeflow-plugin-init-hangs')).toMatchObject({
        status: 'down',
        lastError: `plugin 'safeflow-plugin-init-hangs' init timed out after ${HOOK_TIMEOUT_MS} ms`,
      });

      // Refused at load: failed, with a message saying what to do.
      const incompatible = byName.get('safeflow-plugin-incompatible-sdk');
      expect(incompatible.status).toBe('failed');
      expect(incompatible.lastError).toBe(
        "plugin 'safeflow-plugin-incompatible-sdk' needs plugin SDK ^2.0.0, but this runtime " +
          'provides SDK 1.0.0: install a version of the plugin built for SDK 1.x',
      );
      expect(byName.get('safeflow-plugin-bad-config')).toMatchObject({
        status: 'failed',
        lastError: expect.stringMatching(
          /^plugin 'safeflow-plugin-bad-config': configSchema is not a valid JSON Schema: /,
        ),
      });
      expect(byName.get('safeflow-plugin-twin-gas-detector')).toMatchObject({
        status: 'failed',
        lastError:
          "plugin 'safeflow-plugin-twin-gas-detector' is refused: its task type " +
          `'gas-detector:check' is already provided by plugin '${GAS}'`,
        // what its manifest announces (its code never registered anything)
        contributions: { taskTypes: [] },
      });
      expect(byName.get('safeflow-plugin-wrong-name')).toMatchObject({
        status: 'failed',
        lastError: expect.stringContaining('declares the name "safeflow-plugin-someone-else"'),
      });
      expect(byName.get('@safeflow/plugin-sdk')).toMatchObject({
        status: 'failed',
        source: 'package',
        lastError: expect.stringContaining('is not a SafeFlow plugin'),
      });
      expect(byName.get('safeflow-plugin-not-installed')).toMatchObject({
        status: 'failed',
        lastError: expect.stringContaining(
          `'npm install --prefix ${pluginsDir} safeflow-plugin-not-installed'`,
        ),
      });

      // A refused plugin's code never ran: it would have thrown another message on import.
      expect(log.text()).not.toContain('the incompatible plugin was imported');
      // One plugin by its (URL-encoded) scoped name, and an unknown one.
      const sdk = await call(
        'GET',
        `/api/plugins/${encodeURIComponent('@safeflow/plugin-sdk')}`,
        admin,
      );
      expect(sdk.status).toBe(200);
      expect(sdk.body.name).toBe('@safeflow/plugin-sdk');
      const unknown = await call('GET', '/api/plugins/safeflow-plugin-nobody', admin);
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toBe("no plugin 'safeflow-plugin-nobody'");
      expect((await call('GET', '/api/plugins')).status).toBe(401);
    });

    it('configures a plugin over the API: errors name the path, secrets are sealed and never shown', async () => {
      // Roles: worker and auditor may not configure; the auditor may read.
      expect((await configureGas({}, token.worker)).status).toBe(403);
      expect((await configureGas({}, token.auditor)).status).toBe(403);
      expect((await call('GET', `/api/plugins/${GAS}/config`, token.worker)).status).toBe(403);

      const invalid = await call('PUT', `/api/plugins/${GAS}/config`, token.integrator, {
        config: { endpoint: 'not a url', limitPpm: -1, colour: 'red' },
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body.code).toBe('PLUGIN_CONFIG_INVALID');
      expect(invalid.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: '/config/apiToken', message: 'is required' }),
          expect.objectContaining({
            path: '/config/endpoint',
            field: 'config.endpoint',
            message: 'must match format "uri"',
          }),
          expect.objectContaining({ path: '/config/limitPpm', message: 'must be >= 0' }),
          expect.objectContaining({ path: '/config/colour', message: 'is not allowed' }),
        ]),
      );
      const noBody = await call('PUT', `/api/plugins/${GAS}/config`, admin, {});
      expect(noBody.status).toBe(400);
      expect(noBody.body.errors[0].field).toBe('config');
      const shortToken = await configureGas({ apiToken: 'short' });
      expect(shortToken.status).toBe(400);
      expect(shortToken.body.errors).toEqual([
        expect.objectContaining({
          path: '/config/apiToken',
          message: 'must NOT have fewer than 8 characters',
        }),
      ]);
      expect(JSON.stringify(shortToken.body)).not.toContain('short');
      expect(
        (await call('PUT', '/api/plugins/safeflow-plugin-nobody/config', admin, { config: {} }))
          .status,
      ).toBe(404);
      const failed = await call(
        'PUT',
        '/api/plugins/safeflow-plugin-incompatible-sdk/config',
        admin,
        { config: {} },
      );
      expect(failed.status).toBe(409);
      // Nothing was stored by the refused attempts.
      const repo = runtime.dataSource.getRepository(PluginConfigEntity);
      expect(await repo.findOneBy({ pluginName: GAS })).toBeNull();

      const ok = await configureGas({}, token.integrator);
      expect(ok.status).toBe(200);
      expect(ok.body.plugin).toMatchObject({
        name: GAS,
        status: 'up',
        lastError: null,
        health: { status: 'up', detail: `posting to ${new URL(hook.url).host}` },
      });
      expect(ok.body.config).toMatchObject({
        plugin: GAS,
        config: { endpoint: hook.url, apiToken: '********', limitPpm: 10 },
        secrets: { apiToken: { set: true } },
        enabled: true,
        updatedBy: 'ivan.integrator',
        updatedAt: new Date(clock.now()).toISOString(),
      });
      expect(JSON.stringify(ok.body)).not.toContain(TOKEN);
      const read = await call('GET', `/api/plugins/${GAS}/config`, token.auditor);
      expect(read.status).toBe(200);
      expect(read.body.config.apiToken).toBe('********');
      expect(JSON.stringify(read.body)).not.toContain(TOKEN);

      // At rest: sealed (AES-GCM, format v1), not in the plain config column.
      const row = await repo.findOneByOrFail({ pluginName: GAS });
      expect(row.config).not.toContain(TOKEN);
      expect(row.secrets).not.toContain(TOKEN);
      const sealed = JSON.parse(row.secrets).apiToken as string;
      expect(sealed).toMatch(/^v1:[\w-]{16}:[\w-]{22}:[\w-]+$/);
      expect(JSON.parse(row.config)).toEqual({ endpoint: hook.url, limitPpm: 10 });
      // The generated key file is the operator's only: mode 600.
      expect(statSync(join(db.config().dataDir, 'secrets-key')).mode & 0o777).toBe(0o600);

      // Re-sending the same secret seals it again under a fresh IV.
      expect((await configureGas()).status).toBe(200);
      const resealed = JSON.parse((await repo.findOneByOrFail({ pluginName: GAS })).secrets)
        .apiToken as string;
      expect(resealed).not.toBe(sealed);

      // Leaving the secret out (or sending the mask back) keeps it; the plugin restarts each time.
      const inits = () =>
        log.lines().filter((l) => String(l.msg).startsWith('gas detector init')).length;
      const before = inits();
      const kept = await call('PUT', `/api/plugins/${GAS}/config`, admin, {
        config: { endpoint: hook.url, limitPpm: 12 },
      });
      expect(kept.status).toBe(200);
      expect(kept.body.config.secrets.apiToken).toEqual({ set: true });
      const masked = await call('PUT', `/api/plugins/${GAS}/config`, admin, {
        config: { endpoint: hook.url, apiToken: '********', limitPpm: 10 },
      });
      expect(masked.status).toBe(200);
      expect(inits()).toBe(before + 2);
      const stops = log.lines().filter((l) => l.msg === 'gas detector stopped').length;
      expect(stops).toBeGreaterThanOrEqual(2);

      // The plugin got the real secret: its init line carried it, and the runtime masked it.
      const initLine = log
        .lines()
        .filter((l) => String(l.msg).startsWith('gas detector init'))
        .at(-1)!;
      expect(initLine).toMatchObject({
        plugin: GAS,
        msg: `gas detector init: ${hook.url} with token ********`,
        fields: { token: '********', nested: { again: 'Bearer ********' } },
      });
      // Configuration is logged by field names only.
      expect(log.lines().find((l) => l.msg === 'plugin configured')).toMatchObject({
        plugin: GAS,
        fields: ['endpoint', 'limitPpm'],
        secretsSet: ['apiToken'],
      });
    });

    it('runs a deployed service task of a plugin through the job worker', async () => {
      await deployXml(call, admin, 'gas_check', gasCheckFlow('gas_check'));
      const fine = await startInstance(call, admin, 'gas_check', { h2sPpm: 4 });
      const high = await startInstance(call, admin, 'gas_check', { h2sPpm: 40 });
      const missing = await startInstance(call, admin, 'gas_check', {});
      const warming = await startInstance(call, admin, 'gas_check', { h2sPpm: -1 });
      expect(await runtime.jobs.runDue()).toBeGreaterThanOrEqual(4);

      // complete → variables; the job's key is the idempotency key
      const done = await getInstance(call, admin, fine);
      expect(done.activeElementIds).toEqual(['ok']);
      expect(done.variables).toMatchObject({ gasOk: true, limitPpm: 10, checkedAt: clock.now() });
      expect(done.variables.attemptKey).toMatch(new RegExp(`^${fine}\\.`));
      // bpmn-error → the error boundary
      const evacuating = await getInstance(call, admin, high);
      expect(evacuating.activeElementIds).toEqual(['evacuate']);
      // fail with retries 0 → an incident at once, although the model allows 3 attempts
      expect(await incidentsOf(missing)).toEqual([
        expect.objectContaining({
          type: 'JOB_NO_RETRIES',
          message: expect.stringContaining('no H2S reading in variable h2sPpm'),
        }),
      ]);
      // fail with its own back-off → retried later, one retry fewer
      expect(await jobOf(warming)).toMatchObject({
        retries: 2,
        notBefore: clock.now() + 60_000,
        errorMessage: 'sensor warming up',
      });
      // Its rule operator is in the registry other modules use.
      const operators = runtime.app.get(RuleOperatorsService);
      expect(operators.names()).toContain('aboveLimit');
      expect(operators.evaluate('aboveLimit', 12, 10)).toBe(true);
      expect(operators.evaluate('aboveLimit', 'x', 10)).toBe(false);
    });

    it('throwing, rejecting and hanging handlers fail into retries and incidents; the runtime keeps going', async () => {
      await deployXml(call, admin, 'p_throw', serviceTaskFlow('p_throw', 'throwing:work', 2));
      await deployXml(call, admin, 'p_reject', serviceTaskFlow('p_reject', 'rejecting:work', 2));
      await deployXml(call, admin, 'p_hang', serviceTaskFlow('p_hang', 'hanging:work', 2));
      await deployXml(call, admin, 'p_good', serviceTaskFlow('p_good', 'safeflow:noop', 2));
      const throwing = await startInstance(call, admin, 'p_throw');
      const rejecting = await startInstance(call, admin, 'p_reject');
      const hanging = await startInstance(call, admin, 'p_hang');
      const good = await startInstance(call, admin, 'p_good');
      const gas = await startInstance(call, admin, 'gas_check', { h2sPpm: 1 });

      const pass = runtime.jobs.runDue();
      // While the hanging handler holds its attempt, the API still answers.
      await log.waitFor((l) => l.msg === 'hanging attempt started');
      const served = await call('GET', `/api/process-instances/${good}`, admin);
      expect(served.status).toBe(200);
      const answeredAt = log.raw.length;
      await pass;
      const abortedAt = log.lines().findIndex((l) => l.msg === 'hanging attempt aborted');
      expect(abortedAt).toBeGreaterThanOrEqual(answeredAt);

      // The other jobs of the pass completed.
      expect((await getInstance(call, admin, good)).activeElementIds).toEqual(['check']);
      expect((await getInstance(call, admin, gas)).activeElementIds).toEqual(['ok']);
      // Each failed attempt: one retry fewer, with the plugin's message.
      expect(await jobOf(throwing)).toMatchObject({
        retries: 1,
        errorMessage: 'sensor gateway exploded',
      });
      expect(await jobOf(rejecting)).toMatchObject({
        retries: 1,
        errorMessage: 'permit system refused the request',
      });
      const timedOut = `task type 'hanging:work' of plugin 'safeflow-plugin-hanging' timed out after ${CALL_TIMEOUT_MS} ms`;
      expect(await jobOf(hanging)).toMatchObject({ retries: 1, errorMessage: timedOut });

      clock.advance(1_000);
      await runtime.jobs.runDue();
      for (const [id, message] of [
        [throwing, 'sensor gateway exploded'],
        [rejecting, 'permit system refused the request'],
        [hanging, timedOut],
      ] as const) {
        expect((await getInstance(call, admin, id)).state).toBe('incident');
        expect(await incidentsOf(id)).toEqual([
          expect.objectContaining({
            type: 'JOB_NO_RETRIES',
            message: expect.stringContaining(message),
          }),
        ]);
      }
      const all = await call('GET', '/api/incidents', admin);
      expect(all.status).toBe(200);
      expect(unhandled).toEqual([]);
      // Still serving, and the good plugins are still up.
      expect((await plugin(GAS)).status).toBe('up');
    });

    it('a plugin that is down fails its jobs visibly instead of leaving them waiting', async () => {
      await deployXml(call, admin, 'p_down', serviceTaskFlow('p_down', 'init-throws:work', 1));
      const id = await startInstance(call, admin, 'p_down');
      await runtime.jobs.runDue();
      expect(await incidentsOf(id)).toEqual([
        expect.objectContaining({
          message: expect.stringContaining(
            "plugin 'safeflow-plugin-init-throws' is not running (down: plugin " +
              "'safeflow-plugin-init-throws' init failed: licence server unreachable)",
          ),
        }),
      ]);
    });

    it('a handler stuck in a synchronous loop fails at the time limit while the runtime serves; a fresh worker brings the plugin back', async () => {
      await deployXml(call, admin, 'p_spin', serviceTaskFlow('p_spin', 'spinning:work', 1));
      await deployXml(call, admin, 'p_spin_ok', serviceTaskFlow('p_spin_ok', 'spinning:ok', 1));
      const spinning = await startInstance(call, admin, 'p_spin');
      const gas = await startInstance(call, admin, 'gas_check', { h2sPpm: 2 });
      let passDone = false;
      const pass = runtime.jobs.runDue().then((n) => {
        passDone = true;
        return n;
      });
      await log.waitFor((l) => l.msg === 'spinning attempt started');
      // The plugin's thread spins; the runtime's does not: requests and another plugin's calls
      // complete while the job worker still waits on the stuck attempt.
      const served = await call('GET', `/api/process-instances/${gas}`, admin);
      expect(served.status).toBe(200);
      expect((await call('GET', `/api/plugins/${GAS}`, admin)).body.status).toBe('up');
      const wind = await runtime.app.get(FactsService).fetch('wind-speed', { site: 'unit-3' });
      expect(wind).toMatchObject({ value: 12.5, unit: 'm/s' });
      expect(passDone).toBe(false);
      await pass;

      // The attempt failed at the time limit (retries 1 → an incident), the other job completed.
      const timedOut = `task type 'spinning:work' of plugin '${SPIN}' timed out after ${CALL_TIMEOUT_MS} ms`;
      expect(await incidentsOf(spinning)).toEqual([
        expect.objectContaining({
          type: 'JOB_NO_RETRIES',
          message: expect.stringContaining(timedOut),
        }),
      ]);
      expect((await getInstance(call, admin, gas)).activeElementIds).toEqual(['ok']);
      // It did not even acknowledge the abort: its worker was terminated and replaced.
      const lost = log.lines().find((l) => l.msg === 'plugin worker lost' && l.plugin === SPIN);
      expect(lost?.err).toBe(
        `${timedOut} and did not answer the abort within 1000 ms (stuck in synchronous code?): ` +
          'its worker was terminated',
      );
      await restarted(SPIN, 1);
      expect(await plugin(SPIN)).toMatchObject({
        status: 'up',
        lastError: null,
        worker: { restarts: 1, lastExit: expect.stringContaining('stuck in synchronous code') },
      });
      const ok = await startInstance(call, admin, 'p_spin_ok');
      await runtime.jobs.runDue();
      const after = await getInstance(call, admin, ok);
      expect(after.activeElementIds).toEqual(['check']);
      expect(after.variables.spun).toBe(false);
      expect(unhandled).toEqual([]);
    });

    it('a rule operator stuck in a synchronous loop costs one bounded wait and an error; its worker is replaced', async () => {
      const operators = runtime.app.get(RuleOperatorsService);
      const started = performance.now();
      expect(() => operators.evaluate('spinsForever', 1, 2)).toThrow(
        `rule operator 'spinsForever' of plugin '${SPIN}' failed: rule operator 'spinsForever' did not answer within 250 ms`,
      );
      expect(performance.now() - started).toBeLessThan(2_000);
      // While it is still stuck, the next evaluation fails at once instead of waiting again.
      expect(() => operators.evaluate('spinsForever', 1, 2)).toThrow(
        'still busy with an earlier evaluation',
      );
      // Another plugin's operator is not affected.
      expect(operators.evaluate('aboveLimit', 12, 10)).toBe(true);
      await restarted(SPIN, 2);
      expect(await plugin(SPIN)).toMatchObject({
        status: 'up',
        worker: { restarts: 2, lastExit: expect.stringContaining("rule operator 'spinsForever'") },
      });
    });

    it("a throw from a plugin's own timer restarts its worker, never the runtime", async () => {
      const STRAY = 'safeflow-plugin-stray-throw';
      await deployXml(call, admin, 'p_stray', serviceTaskFlow('p_stray', 'stray-throw:arm', 1));
      const id = await startInstance(call, admin, 'p_stray');
      await runtime.jobs.runDue();
      // The call itself answered; the throw came after, outside any call.
      expect((await getInstance(call, admin, id)).variables.armed).toBe(true);
      await log.waitFor((l) => l.msg === 'plugin worker lost' && l.plugin === STRAY);
      await restarted(STRAY, 1);
      expect(await plugin(STRAY)).toMatchObject({
        status: 'up',
        worker: { restarts: 1, lastExit: 'stray timer exploded' },
      });
      expect((await call('GET', '/api/plugins', admin)).status).toBe(200);
      expect(unhandled).toEqual([]);
    });

    it('a plugin sees only what its context hands it: no runtime globals, no runtime settings in its environment', async () => {
      (globalThis as Record<string, unknown>).__safeflowRuntimeMarker = runtime;
      await deployXml(call, admin, 'p_snoop', serviceTaskFlow('p_snoop', 'snooping:look', 1));
      const id = await startInstance(call, admin, 'p_snoop');
      await runtime.jobs.runDue();
      expect((await getInstance(call, admin, id)).variables).toMatchObject({
        mainThread: false,
        runtimeMarker: 'undefined',
        secretsKeyInEnv: null,
        canaryInEnv: null,
        databaseUrlInEnv: null,
        contextKeys: ['config', 'logger', 'now', 'signal'],
        configKeys: [],
      });
      // The runtime's own thread does have both: they were there to be found.
      expect(process.env.SAFEFLOW_TEST_CANARY).toBe('runtime-only-canary');
    });

    it("a plugin that exhausts its heap is stopped by its worker's memory limit; the runtime carries on", async () => {
      const HOG = 'safeflow-plugin-memory-hog';
      await deployXml(call, admin, 'p_hog', serviceTaskFlow('p_hog', 'memory-hog:eat', 1));
      const hog = await startInstance(call, admin, 'p_hog');
      const gas = await startInstance(call, admin, 'gas_check', { h2sPpm: 3 });
      await runtime.jobs.runDue();
      expect(await incidentsOf(hog)).toEqual([
        expect.objectContaining({
          type: 'JOB_NO_RETRIES',
          message: expect.stringContaining(
            `plugin '${HOG}' worker stopped: Worker terminated due to reaching memory limit`,
          ),
        }),
      ]);
      expect((await getInstance(call, admin, gas)).activeElementIds).toEqual(['ok']);
      await restarted(HOG, 1);
      expect(await plugin(HOG)).toMatchObject({
        status: 'up',
        worker: { restarts: 1, lastExit: expect.stringContaining('JS heap out of memory') },
      });
      expect(unhandled).toEqual([]);
    });

    it("keeps a plugin's secret out of incidents, responses and the log", async () => {
      await deployXml(call, admin, 'p_leaky', serviceTaskFlow('p_leaky', 'gas-detector:leaky', 1));
      const id = await startInstance(call, admin, 'p_leaky');
      await runtime.jobs.runDue();
      const [incident] = await incidentsOf(id);
      expect(incident!.message).toContain('gateway refused token ********');
      const events = await call('GET', `/api/process-instances/${id}/events`, admin);
      for (const body of [incident, events.body, (await call('GET', '/api/plugins', admin)).body])
        expect(JSON.stringify(body)).not.toContain(TOKEN);
      expect(log.text()).not.toContain(TOKEN);
      expect(log.text()).toContain('********');
    });

    it('serves the element templates of loaded plugins for the designer palette', async () => {
      const r = await call('GET', '/api/element-templates', token.auditor);
      expect(r.status).toBe(200);
      const ids = r.body.map((t: any) => `${t.plugin}/${t.id}`);
      expect(ids).toEqual(
        expect.arrayContaining([
          'safeflow/safeflow.notify',
          'safeflow/safeflow.fact',
          `${GAS}/gas-detector.check`,
          `${GAS}/gas-detector.check-from-file`,
        ]),
      );
      expect(ids).toHaveLength(4);
      const check = r.body.find((t: any) => t.id === 'gas-detector.check');
      expect(check.properties[0]).toEqual({
        type: 'Hidden',
        value: 'gas-detector:check',
        binding: { type: 'zeebe:taskDefinition', property: 'type' },
      });
      expect((await call('GET', '/api/element-templates')).status).toBe(401);
    });

    it('safeflow:fact and safeflow:notify let a deployed flow use plugins without code', async () => {
      await deployXml(call, admin, 'wind_gate', windGateFlow('wind_gate'));
      const id = await startInstance(call, admin, 'wind_gate', { site: 'unit-3' });
      await drainJobs();
      const inst = await getInstance(call, admin, id);
      expect(inst.activeElementIds).toEqual(['decide']);
      expect(inst.variables.wind).toEqual({
        value: 12.5,
        unit: 'm/s',
        observedAt: clock.now(),
        source: 'fixture anemometer',
      });
      expect(inst.variables.crew.value).toEqual(['li.na', 'ahmed.k']);
      expect(hook.received).toHaveLength(1);
      const [sent] = hook.received;
      // The notifier got its decrypted secret; the notification carries the job's stable id.
      expect(sent!.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(sent!.body).toEqual({
        kind: 'custom',
        severity: 'warning',
        title: 'Wind at unit-3: 12.5 m/s',
        text: 'Crew on shift: 2',
        id: expect.stringMatching(new RegExp(`^${id}\\.`)),
        recipients: ['shift-supervisor', 'hse-desk'],
        data: { processInstanceId: id, elementId: 'tellSupervisor' },
      });
      expect(inst.variables.notificationReceipt).toBe(`hook-${sent!.body.id}`);
    });

    it('a modelling mistake in safeflow:fact / safeflow:notify raises an incident at once, naming it', async () => {
      await deployXml(call, admin, 'wind_bad_notifier', windGateFlow('wind_bad_notifier', 'pager'));
      const badNotifier = await startInstance(call, admin, 'wind_bad_notifier', { site: 'unit-1' });
      // params from the variable `params` win over headers: this one lacks `site`
      const badParams = await startInstance(call, admin, 'wind_gate', {
        site: 'unit-3',
        params: { area: 'north' },
      });
      await drainJobs();
      expect(await incidentsOf(badNotifier)).toEqual([
        expect.objectContaining({
          message: expect.stringContaining("no notifier 'pager' (known: test-webhook)"),
        }),
      ]);
      expect(await incidentsOf(badParams)).toEqual([
        expect.objectContaining({
          message: expect.stringContaining(
            "parameters of fact provider 'wind-speed' are invalid: /site is required",
          ),
        }),
      ]);
    });

    it("runs the connections of a plugin's config and keeps the latest reading per tag", async () => {
      const r = await configureGas({
        connections: [
          {
            name: 'unit3-sim',
            settings: {
              tags: [
                { tag: 'unit3.h2s.ppm', value: 3.5, unit: 'ppm' },
                { tag: 'unit3.lel.pct', value: 2, unit: '%LEL' },
              ],
            },
          },
          { name: 'wrong', connector: 'modbus', settings: {} },
        ],
      });
      expect(r.status).toBe(200);
      // One connection failed (no such connector): degraded, the other runs.
      expect(r.body.plugin.status).toBe('degraded');
      expect(r.body.plugin.health.connections).toEqual([
        { name: 'unit3-sim', connector: 'simulated', state: 'connected', dropped: 1 },
        {
          name: 'wrong',
          connector: 'modbus',
          state: 'failed',
          detail: "the plugin has no connector 'modbus' (it has: simulated)",
          dropped: 0,
        },
      ]);
      const one = await call('GET', '/api/readings?tag=unit3.h2s.ppm', token.worker);
      expect(one.status).toBe(200);
      expect(one.body).toEqual([
        {
          source: 'simulated:unit3-sim',
          tag: 'unit3.h2s.ppm',
          value: 3.5,
          unit: 'ppm',
          quality: 'good',
          timestamp: new Date(clock.now() - 1000).toISOString(),
          receivedAt: new Date(clock.now()).toISOString(),
        },
      ]);
      const some = await call('GET', '/api/readings?tag=unit3.lel.pct,unit9.none', admin);
      expect(some.body.map((x: any) => x.tag)).toEqual(['unit3.lel.pct']);
      const all = await call('GET', '/api/readings', admin);
      expect(all.body.map((x: any) => x.tag)).toEqual(['unit3.h2s.ppm', 'unit3.lel.pct']);
      expect((await call('GET', '/api/readings')).status).toBe(401);
      // Back to no connections: up again.
      expect((await configureGas({ connections: [] })).body.plugin.status).toBe('up');
    });

    it('disables and enables a plugin; a disabled plugin neither runs jobs nor offers templates', async () => {
      expect((await call('POST', `/api/plugins/${GAS}/disable`, token.worker)).status).toBe(403);
      const off = await call('POST', `/api/plugins/${GAS}/disable`, token.integrator);
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ status: 'disabled', health: null });
      const templates = (await call('GET', '/api/element-templates', admin)).body;
      expect(templates.some((t: any) => t.plugin === GAS)).toBe(false);
      const id = await startInstance(call, admin, 'gas_check', { h2sPpm: 1 });
      await runtime.jobs.runDue();
      expect((await jobOf(id))?.errorMessage).toBe(`plugin '${GAS}' is not running (disabled)`);
      const on = await call('POST', `/api/plugins/${GAS}/enable`, admin);
      expect(on.body).toMatchObject({ status: 'up' });
      clock.advance(1_000);
      await runtime.jobs.runDue();
      expect((await getInstance(call, admin, id)).activeElementIds).toEqual(['ok']);
      expect(
        (await call('POST', '/api/plugins/safeflow-plugin-incompatible-sdk/enable', admin)).status,
      ).toBe(409);
    });

    it('stops plugins at shutdown and starts them again with the stored configuration', async () => {
      const stopsBefore = log.lines().filter((l) => l.msg === 'gas detector stopped').length;
      await runtime.close();
      expect(log.lines().filter((l) => l.msg === 'gas detector stopped')).toHaveLength(
        stopsBefore + 1,
      );
      log = new LogCapture();
      await boot();
      expect(await plugin(GAS)).toMatchObject({ status: 'up', lastError: null });
      // The secret was decrypted from the database with the key file and reached the plugin.
      expect(
        log.lines().find((l) => String(l.msg).startsWith('gas detector init'))?.fields,
      ).toEqual({
        token: '********',
        nested: { again: 'Bearer ********' },
      });
    });

    it('a changed secrets key leaves the plugin down with the reason, and a new secret fixes it', async () => {
      await runtime.close();
      log = new LogCapture();
      await boot({ secretsKey: 'another-secrets-key-for-this-test' });
      const p = await plugin(GAS);
      expect(p.status).toBe('down');
      expect(p.lastError).toContain("the stored secret 'apiToken' cannot be decrypted");
      const c = await call('GET', `/api/plugins/${GAS}/config`, admin);
      expect(c.body.problem).toContain('SAFEFLOW_SECRETS_KEY');
      // Without the secret the configuration is incomplete; with it the plugin is up again.
      const without = await call('PUT', `/api/plugins/${GAS}/config`, admin, {
        config: { endpoint: hook.url },
      });
      expect(without.status).toBe(400);
      expect(without.body.errors).toEqual([
        expect.objectContaining({ path: '/config/apiToken', message: 'is required' }),
      ]);
      expect((await configureGas()).body.plugin.status).toBe('up');
      expect(log.text()).not.toContain(TOKEN);
    });
  });
}
