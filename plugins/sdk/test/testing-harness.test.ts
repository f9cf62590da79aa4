import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bpmnError,
  complete,
  definePlugin,
  fail,
  type JobContext,
  type JobInput,
  type Reading,
} from '@safeflow/plugin-sdk';
import {
  checkPluginPackage,
  createTestClock,
  ONE_TASK_IDS,
  oneTaskProcess,
  readPluginPackage,
  runHandler,
  startTestPlugin,
  TEST_EPOCH,
  testConnector,
  testFactProvider,
  testNotifier,
} from '@safeflow/plugin-sdk/testing';

interface GasConfig {
  limitPpm: number;
  apiToken?: string;
}

const seen: { job?: JobInput; ctx?: JobContext<GasConfig>; abortedAfterTimeout?: boolean } = {};

/** A plugin whose task handlers cover every outcome the harness must apply. */
const gasPlugin = definePlugin<GasConfig>({
  name: 'gas-test-plugin',
  taskHandlers: {
    'gas:check': (job, ctx) => {
      seen.job = job;
      seen.ctx = ctx;
      const reading = job.variables.reading;
      if (typeof reading !== 'number') return fail('reading is not a number', { retries: 0 });
      ctx.logger.info('gas reading checked', { reading, sensor: job.headers.sensor });
      if (reading > ctx.config.limitPpm) {
        return bpmnError('GAS_ABOVE_LIMIT', `${reading} ppm`, { measuredPpm: reading });
      }
      return complete({ gasOk: true, checkedAt: ctx.now() });
    },
    'gas:flaky': () => fail('analyser busy'),
    'gas:flaky-backoff': () => fail('analyser busy', { retryBackoffMs: 60_000 }),
    'gas:throws': () => {
      throw new Error('analyser crashed');
    },
    'gas:hangs': () => new Promise(() => undefined),
    'gas:honours-abort': (_job, ctx) =>
      new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          seen.abortedAfterTimeout = true;
          resolve(complete());
        });
      }),
    'gas:no-outcome': () => undefined as never,
    'gas:leaks': (_job, ctx) => complete({ token: ctx.config.apiToken ?? null }),
  },
});

const config: GasConfig = { limitPpm: 10, apiToken: 'tok-very-secret' };

describe('runHandler', () => {
  it('completes the job through the engine and hands the handler the job and its context', async () => {
    const run = await runHandler(gasPlugin, 'gas:check', {
      config,
      variables: { reading: 4, permitId: 'PTW-7' },
      headers: { sensor: 'multi-gas "4" <A&B>' },
    });
    expect(run.outcome).toEqual({
      outcome: 'complete',
      variables: { gasOk: true, checkedAt: TEST_EPOCH },
    });
    expect(run.state).toBe('completed');
    expect(run.variables).toEqual({
      reading: 4,
      permitId: 'PTW-7',
      gasOk: true,
      checkedAt: TEST_EPOCH,
    });
    expect(run.completedElementIds).toContain(ONE_TASK_IDS.end);
    expect(run.incidents).toEqual([]);
    expect(seen.job).toMatchObject({
      type: 'gas:check',
      processInstanceId: run.instanceId,
      elementId: ONE_TASK_IDS.task,
      headers: { sensor: 'multi-gas "4" <A&B>' },
      retries: 3,
      variables: { reading: 4, permitId: 'PTW-7' },
    });
    expect(seen.job!.idempotencyKey).toBe(seen.job!.key);
    expect(seen.ctx!.config).toEqual(config);
    expect(seen.ctx!.signal.aborted).toBe(false);
    expect(run.logs).toEqual([
      {
        level: 'info',
        message: 'gas reading checked',
        fields: { reading: 4, sensor: 'multi-gas "4" <A&B>' },
        at: TEST_EPOCH,
      },
    ]);
    expect(run.leakedSecrets).toEqual([]);
  });

  it('throws a BPMN error that the generated model catches, with the error variables', async () => {
    const run = await runHandler(gasPlugin, 'gas:check', { config, variables: { reading: 25 } });
    expect(run.outcome).toEqual({
      outcome: 'bpmn-error',
      errorCode: 'GAS_ABOVE_LIMIT',
      message: '25 ppm',
      variables: { measuredPpm: 25 },
    });
    expect(run.state).toBe('completed');
    expect(run.completedElementIds).toContain(ONE_TASK_IDS.errorEnd);
    expect(run.completedElementIds).not.toContain(ONE_TASK_IDS.end);
  });

  it('raises an incident for a BPMN error nothing catches', async () => {
    const run = await runHandler(gasPlugin, 'gas:check', {
      config,
      variables: { reading: 25 },
      catchErrors: false,
    });
    expect(run.state).toBe('incident');
    expect(run.incidents).toHaveLength(1);
    expect(run.incidents[0]!.type).toBe('UNHANDLED_ERROR_EVENT');
    expect(run.incidents[0]!.message).toContain('GAS_ABOVE_LIMIT');
  });

  it('fails with retries: 0 straight into an incident', async () => {
    const run = await runHandler(gasPlugin, 'gas:check', { config, variables: { reading: 'n/a' } });
    expect(run.outcome).toEqual({
      outcome: 'fail',
      message: 'reading is not a number',
      retries: 0,
    });
    expect(run.state).toBe('incident');
    expect(run.incidents[0]).toMatchObject({
      elementId: ONE_TASK_IDS.task,
      message:
        "job 'gas:check' of 'pluginTask' failed with no retries left: reading is not a number",
    });
  });

  it('a failed attempt leaves the job waiting with one retry fewer after the default back-off', async () => {
    const run = await runHandler(gasPlugin, 'gas:flaky', {});
    expect(run.state).toBe('active');
    expect(run.attempts).toHaveLength(1);
    const job = run.engine.getState(run.instanceId)!.jobs[run.job.key]!;
    expect(job.retries).toBe(2);
    expect(job.notBefore).toBe(TEST_EPOCH + 1000);
    expect(run.engine.activatableJobs({ instanceId: run.instanceId })).toEqual([]);
  });

  it('with maxAttempts, retries after each back-off until the retries run out into an incident', async () => {
    const run = await runHandler(gasPlugin, 'gas:flaky', { maxAttempts: 5 });
    expect(run.attempts.map((a) => a.job.retries)).toEqual([3, 2, 1]);
    expect(run.state).toBe('incident');
    expect(run.incidents[0]!.message).toMatch(/failed with no retries left: analyser busy$/);
    // 1 s then 2 s of default back-off were stepped over on the test clock.
    expect(run.clock.now()).toBe(TEST_EPOCH + 3000);
  });

  it("uses the handler's own back-off", async () => {
    const run = await runHandler(gasPlugin, 'gas:flaky-backoff', { maxAttempts: 2, retries: 5 });
    expect(run.attempts).toHaveLength(2);
    expect(run.clock.now()).toBe(TEST_EPOCH + 60_000);
    expect(run.state).toBe('active');
  });

  it('lets a handler shorten the retries but not extend them, and caps its back-off at a day', async () => {
    const plugin = definePlugin({
      name: 'greedy',
      taskHandlers: {
        'x:y': () => fail('try again', { retries: 99, retryBackoffMs: 7 * 24 * 3600_000 }),
      },
    });
    const run = await runHandler(plugin, 'x:y', { retries: 3 });
    const job = run.engine.getState(run.instanceId)!.jobs[run.job.key]!;
    expect(job.retries).toBe(2);
    expect(job.notBefore).toBe(TEST_EPOCH + 24 * 3600_000);
  });

  it('turns a throw into a failed attempt', async () => {
    const run = await runHandler(gasPlugin, 'gas:throws', { retries: 1 });
    expect(run.outcome).toEqual({
      outcome: 'fail',
      message: 'task handler threw: analyser crashed',
    });
    expect((run.attempts[0]!.error as Error).message).toBe('analyser crashed');
    expect(run.state).toBe('incident');
  });

  it('turns a hang into a timed-out attempt, and aborts the signal of one that listens', async () => {
    const hung = await runHandler(gasPlugin, 'gas:hangs', { timeoutMs: 50 });
    expect(hung.attempts[0]!.timedOut).toBe(true);
    expect(hung.outcome).toEqual({
      outcome: 'fail',
      message: 'task handler timed out: timed out after 50 ms',
    });
    seen.abortedAfterTimeout = false;
    const listening = await runHandler(gasPlugin, 'gas:honours-abort', { timeoutMs: 50 });
    expect(seen.abortedAfterTimeout).toBe(true);
    expect(listening.attempts[0]!.timedOut).toBe(true);
  });

  it('turns an answer that is no outcome into a failed attempt', async () => {
    const run = await runHandler(gasPlugin, 'gas:no-outcome', {});
    expect(run.outcome).toEqual({
      outcome: 'fail',
      message: 'task handler returned no outcome (undefined)',
    });
  });

  it('reports secret values that end up in process variables', async () => {
    const run = await runHandler(gasPlugin, 'gas:leaks', { config, secrets: ['apiToken'] });
    expect(run.leakedSecrets).toEqual(['apiToken']);
  });

  it('works the job in a given model, with its input mappings, and hands back the engine', async () => {
    const bpmn = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="confined-space-entry" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="testAtmosphere"/>
    <bpmn:serviceTask id="testAtmosphere">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="gas:check"/>
        <zeebe:ioMapping><zeebe:input source="=atmosphere.h2s" target="reading"/></zeebe:ioMapping>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="testAtmosphere" targetRef="approveEntry"/>
    <bpmn:userTask id="approveEntry"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="approveEntry" targetRef="e"/>
    <bpmn:endEvent id="e"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
    const run = await runHandler(gasPlugin, 'gas:check', {
      bpmn,
      config,
      variables: { atmosphere: { h2s: 3 } },
    });
    expect(seen.job!.variables.reading).toBe(3);
    expect(run.state).toBe('active');
    expect(run.instance.activeElementIds).toEqual(['approveEntry']);
    const [task] = run.engine.openTasks({ instanceId: run.instanceId });
    expect(run.engine.completeTask(task!.id).ok).toBe(true);
    expect(run.engine.getInstance(run.instanceId)!.state).toBe('completed');
  });

  it('refuses a task type the plugin does not handle, and a model without its job', async () => {
    await expect(runHandler(gasPlugin, 'gas:unknown')).rejects.toThrow(
      "plugin 'gas-test-plugin' has no task handler 'gas:unknown' (it has: gas:check,",
    );
    const otherType = oneTaskProcess({ taskType: 'something-else' });
    await expect(runHandler(gasPlugin, 'gas:check', { bpmn: otherType })).rejects.toThrow(
      "no job of type 'gas:check' is waiting in the instance (state active, at pluginTask)",
    );
  });

  it('runs init and start before and stop after, and reports a failing hook', async () => {
    const calls: string[] = [];
    const plugin = definePlugin({
      name: 'lifecycle-plugin',
      init: () => void calls.push('init'),
      start: () => void calls.push('start'),
      stop: () => void calls.push('stop'),
      taskHandlers: { 'x:y': () => (calls.push('handler'), complete()) },
    });
    await runHandler(plugin, 'x:y');
    expect(calls).toEqual(['init', 'start', 'handler', 'stop']);

    const broken = definePlugin({
      name: 'broken-plugin',
      init: () => {
        throw new Error('no licence key');
      },
      taskHandlers: { 'x:y': () => complete() },
    });
    await expect(runHandler(broken, 'x:y')).rejects.toThrow(
      "plugin 'broken-plugin' init failed: no licence key",
    );
    const hanging = definePlugin({
      name: 'hanging-plugin',
      start: () => new Promise<void>(() => undefined),
    });
    await expect(startTestPlugin(hanging, { hookTimeoutMs: 30 })).rejects.toThrow(
      "plugin 'hanging-plugin' start failed: timed out after 30 ms",
    );
  });
});

describe('testNotifier', () => {
  const sent: unknown[] = [];
  const notifierPlugin = definePlugin<{ password: string }>({
    name: 'pager',
    notifiers: {
      pager: {
        send: async (n, ctx) => {
          sent.push(n);
          ctx.logger.info('paged', { title: n.title });
          return { externalId: `page-${n.id}` };
        },
      },
      down: {
        send: async (_n, ctx) => {
          throw new Error(`pager gateway refused login with ${ctx.config.password}`);
        },
      },
      slow: { send: () => new Promise(() => undefined) },
    },
  });
  const secretConfig = { password: 'hunter2-secret' };

  it('delivers a notification with defaults filled in and returns the receipt', async () => {
    const run = await testNotifier(
      notifierPlugin,
      'pager',
      { severity: 'critical' },
      { config: secretConfig },
    );
    expect(run.delivered).toBe(true);
    expect(run.receipt).toEqual({ externalId: 'page-ntf-test-1' });
    expect(sent[0]).toMatchObject({
      id: 'ntf-test-1',
      severity: 'critical',
      title: 'H2S above alarm limit',
    });
    expect(run.logs.map((l) => l.message)).toEqual(['paged']);
  });

  it('reports a throw (with a leaked secret) and a hang instead of raising them', async () => {
    const refused = await testNotifier(
      notifierPlugin,
      'down',
      {},
      { config: secretConfig, secrets: ['password'] },
    );
    expect(refused.delivered).toBe(false);
    expect((refused.error as Error).message).toContain('refused login');
    expect(refused.leakedSecrets).toEqual(['password']);
    const slow = await testNotifier(notifierPlugin, 'slow', {}, { timeoutMs: 30 });
    expect(slow).toMatchObject({ delivered: false, timedOut: true });
    await expect(testNotifier(notifierPlugin, 'sms')).rejects.toThrow(
      "plugin 'pager' has no notifier 'sms' (it has: pager, down, slow)",
    );
  });
});

describe('testFactProvider', () => {
  const plugin = definePlugin({
    name: 'weather',
    factProviders: {
      windSpeed: {
        fetch: (params, ctx) => ({
          value: params.site === 'jetty' ? 14.2 : 3.1,
          unit: 'm/s',
          observedAt: ctx.now() - 90_000,
          source: 'met-mast-1',
        }),
      },
      broken: { fetch: () => ({ value: 1 }) as never },
    },
  });

  it('answers the fact and its age on the test clock', async () => {
    const clock = createTestClock(TEST_EPOCH + 5_000);
    const run = await testFactProvider(plugin, 'windSpeed', { site: 'jetty' }, { clock });
    expect(run.fact).toEqual({
      value: 14.2,
      unit: 'm/s',
      observedAt: TEST_EPOCH - 85_000,
      source: 'met-mast-1',
    });
    expect(run.ageMs).toBe(90_000);
    expect(run.error).toBeUndefined();
  });

  it('refuses an answer that is not a fact', async () => {
    const run = await testFactProvider(plugin, 'broken');
    expect(run.fact).toBeUndefined();
    expect((run.error as Error).message).toBe(
      'fact provider returned a fact without a numeric observedAt',
    );
  });
});

describe('testConnector', () => {
  const plugin = definePlugin({
    name: 'fake-plc',
    connectors: {
      plc: {
        start(settings, sink, ctx) {
          sink.status('connecting');
          let n = 0;
          const timer = setInterval(() => {
            n++;
            if (n === 1) sink.status('connected', String(settings.address));
            if (n === 2)
              sink.push({ source: 'plc', tag: '', value: 1, quality: 'good', timestamp: 0 });
            sink.push({
              source: `plc:${String(settings.address)}`,
              tag: 'unit3.h2s.ppm',
              value: n,
              unit: 'ppm',
              quality: 'good',
              timestamp: ctx.now(),
            } satisfies Reading);
          }, 5);
          return {
            stop() {
              clearInterval(timer);
              sink.status('disconnected');
            },
          };
        },
      },
    },
  });

  it('records readings and states, and waits on them with a time limit', async () => {
    const plc = await testConnector(plugin, 'plc', { address: '10.0.0.5' });
    try {
      await plc.waitForStatus('connected');
      const readings = await plc.waitForReadings(3);
      expect(readings.slice(0, 3).map((r) => r.value)).toEqual([1, 2, 3]);
      expect(readings[0]).toEqual({
        source: 'plc:10.0.0.5',
        tag: 'unit3.h2s.ppm',
        value: 1,
        unit: 'ppm',
        quality: 'good',
        timestamp: TEST_EPOCH,
      });
      expect(plc.rejected).toEqual([
        {
          reading: { source: 'plc', tag: '', value: 1, quality: 'good', timestamp: 0 },
          problem: 'no tag',
        },
      ]);
      expect(plc.statuses.slice(0, 2)).toEqual([
        { state: 'connecting', at: TEST_EPOCH },
        { state: 'connected', detail: '10.0.0.5', at: TEST_EPOCH },
      ]);
      await expect(plc.waitForReadings(10_000, 20)).rejects.toThrow(
        'timed out after 20 ms waiting for 10000 reading(s)',
      );
    } finally {
      await plc.stop();
    }
    expect(plc.statuses.at(-1)!.state).toBe('disconnected');
  });
});

describe('readPluginPackage / checkPluginPackage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-plugin-pkg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const plugin = definePlugin({
    name: '@acme/safeflow-plugin-gas',
    taskHandlers: { 'gas:check': () => complete() },
    notifiers: { pager: { send: async () => undefined } },
    elementTemplates: [
      {
        id: 'acme.gas-check',
        name: 'Gas check',
        appliesTo: ['bpmn:Task'],
        properties: [
          {
            type: 'Hidden',
            value: 'gas:other',
            binding: { type: 'zeebe:taskDefinition', property: 'type' },
          },
        ],
      },
    ],
  });

  it('reads the manifest and lists every disagreement with the code', () => {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: '@acme/safeflow-plugin-gas-x',
        version: '1.2.3',
        safeflow: {
          sdk: '^2.0.0',
          main: './src/index.ts',
          contributes: { taskTypes: ['gas:check', 'gas:sample'] },
          configSchema: { type: 'object', properties: { apiToken: { type: 'string' } } },
          secrets: ['apiToken', 'password'],
        },
      }),
    );
    const pkg = readPluginPackage(dir);
    expect(pkg).toMatchObject({ name: '@acme/safeflow-plugin-gas-x', version: '1.2.3', dir });
    expect(checkPluginPackage(plugin, pkg, { mainMustExist: true })).toEqual([
      "plugin name '@acme/safeflow-plugin-gas' is not the package name '@acme/safeflow-plugin-gas-x'",
      "manifest sdk range '^2.0.0' does not include SDK 1.0.0",
      "manifest main './src/index.ts' does not exist",
      "contributes.taskTypes lists 'gas:sample' but the plugin has no such taskHandlers entry",
      "notifiers has 'pager' but contributes.notifiers does not list it",
      "element template 'acme.gas-check' sets task type 'gas:other', which the plugin does not handle",
      "secret 'password' is not a property of configSchema",
    ]);
  });

  it('finds nothing wrong when package and code agree', () => {
    writeFileSync(join(dir, 'index.js'), '');
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: '@acme/safeflow-plugin-gas',
        version: '1.0.0',
        safeflow: {
          sdk: '^1.0.0',
          main: './index.js',
          contributes: { taskTypes: ['gas:check'], notifiers: ['pager'] },
        },
      }),
    );
    // A template may preset the runtime's own `safeflow:notify` for the plugin's notifier.
    const notifyTemplate = {
      id: 'acme.page-crew',
      name: 'Page the crew',
      appliesTo: ['bpmn:ServiceTask'],
      properties: [
        {
          type: 'Hidden' as const,
          value: 'safeflow:notify',
          binding: { type: 'zeebe:taskDefinition' as const, property: 'type' as const },
        },
        {
          type: 'Hidden' as const,
          value: 'pager',
          binding: { type: 'zeebe:taskHeader' as const, key: 'notifier' },
        },
      ],
    };
    const fixed = { ...plugin, elementTemplates: [notifyTemplate] };
    expect(
      checkPluginPackage(fixed, readPluginPackage(join(dir, 'package.json')), {
        mainMustExist: true,
      }),
    ).toEqual([]);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0' }));
    expect(() => readPluginPackage(dir)).toThrow('has no "safeflow" manifest');
  });
});
