import { describe, expect, it } from 'vitest';

import { Engine } from '../../src/index.js';
import { HOUR, T0, fixture, ok } from './harness.js';

const resource = (name: string) => ({ name: `${name}.bpmn`, content: fixture(name) });

describe('deployments and versions', () => {
  it('given a deployed process, when the same content is deployed again, then no new version is made', async () => {
    const engine = new Engine({ clock: () => T0 });
    const first = await engine.deploy([resource('call-activity-version-tag-callee-v1')]);
    const again = await engine.deploy([resource('call-activity-version-tag-callee-v1')]);
    expect(first.processes).toEqual([
      { id: 'gas-test-procedure', key: 'gas-test-procedure:1', version: 1 },
    ]);
    expect(again.processes).toEqual(first.processes);
    const changed = await engine.deploy([resource('call-activity-version-tag-callee-v2')]);
    expect(changed.processes[0]?.version).toBe(2);
  });

  it('given a process deployed with its form, when the same BPMN is deployed with a changed form, then that is a new version whose deployment holds the new form', async () => {
    const engine = new Engine({ clock: () => T0 });
    const bpmn = resource('user-task-assignment');
    const form = (required: string[]) => ({
      name: 'hot-work-permit-form.schema.json',
      content: JSON.stringify({ type: 'object', required }),
    });
    const v1 = await engine.deploy([bpmn, form(['gasTestId'])]);
    const same = await engine.deploy([form(['gasTestId']), bpmn]);
    const v2 = await engine.deploy([bpmn, form(['gasTestId', 'fireWatcher'])]);

    expect(v1.processes[0]?.version).toBe(1);
    expect(same.processes[0]?.version).toBe(1);
    expect(v2.processes[0]?.version).toBe(2);
    const content = engine.getResource(v2.deploymentId, 'hot-work-permit-form.schema.json');
    expect(JSON.parse(content!).required).toContain('fireWatcher');
  });

  it.each([
    ['versionTag', 1],
    ['deployment', 1],
    ['latest', 2],
  ] as const)(
    'given two versions of a called process, when a call activity binds by %s, then version %i runs',
    async (binding, expected) => {
      const engine = new Engine({ clock: () => T0 });
      await engine.deploy([
        resource('call-activity-version-tag-callee-v1'),
        resource(`call-activity-binding-${binding}`),
      ]);
      await engine.deploy([resource('call-activity-version-tag-callee-v2')]);
      const { instanceId } = ok(engine.start(`permit-with-gas-test-${binding}`));
      expect(engine.getInstance(instanceId)?.state).toBe('completed');
      expect(engine.getInstance(instanceId)?.variables.procedureVersion).toBe(expected);
    },
  );
});

describe('timer start event', () => {
  it('given a timer start with cycle R2/PT24H, when time passes, then exactly two instances start, a day apart', async () => {
    let now = T0;
    const engine = new Engine({ clock: () => now });
    await engine.deploy([resource('timer-start-event')]);
    expect(engine.listInstances()).toEqual([]);
    expect(engine.nextTimerDue()).toBe(T0 + 24 * HOUR);

    now = T0 + 24 * HOUR;
    ok(engine.fireDueTimers(now));
    expect(engine.listInstances()).toHaveLength(1);
    now = T0 + 48 * HOUR;
    ok(engine.fireDueTimers(now));
    now = T0 + 96 * HOUR;
    ok(engine.fireDueTimers(now));

    const started = engine.listInstances().map((i) => i.startedAt);
    expect(started).toEqual([T0 + 24 * HOUR, T0 + 48 * HOUR]);
    expect(engine.openTasks().map((t) => t.elementId)).toEqual(['inspect', 'inspect']);
    expect(engine.nextTimerDue()).toBeUndefined();
  });
});

describe('timer start events kept by a durable host', () => {
  it('given a cycle timer start that fired once, when a fresh engine is given the saved schedule, then it fires the remaining repetition only, at the saved time', async () => {
    let now = T0;
    const first = new Engine({ clock: () => now });
    await first.deploy([resource('timer-start-event')]);
    const [scheduled] = first.timerStarts();
    expect(scheduled).toMatchObject({
      processId: 'daily-fire-extinguisher-round',
      eventId: expect.any(String),
      dueAt: T0 + 24 * HOUR,
      remaining: 1,
    });
    now = T0 + 24 * HOUR;
    const fired = ok(first.fireTimerStart(scheduled!.id, now));
    expect(fired.instanceId).toBeDefined();
    const saved = first.timerStarts()[0]!;
    expect(saved).toMatchObject({ dueAt: T0 + 48 * HOUR, remaining: 0 });

    // A restart: deploying again schedules from "now"; the saved schedule wins.
    now = T0 + 30 * HOUR;
    const second = new Engine({ clock: () => now });
    await second.deploy([resource('timer-start-event')]);
    expect(second.timerStarts()[0]?.dueAt).toBe(T0 + 54 * HOUR);
    expect(second.restoreTimerStart(saved.id, saved)).toBe(true);
    expect(second.nextTimerDue()).toBe(T0 + 48 * HOUR);

    expect(ok(second.fireTimerStart(saved.id, T0 + 47 * HOUR)).instanceId).toBeUndefined();
    now = T0 + 48 * HOUR;
    expect(ok(second.fireTimerStart(saved.id, now)).instanceId).toBeDefined();
    expect(second.timerStarts()).toEqual([]);
    now = T0 + 200 * HOUR;
    ok(second.fireDueTimers(now));
    expect(second.listInstances()).toHaveLength(1);
  });

  it('given a saved schedule that is spent, when restored as null, then the timer start never fires again; unknown ids are reported', async () => {
    let now = T0;
    const engine = new Engine({ clock: () => now });
    await engine.deploy([resource('timer-start-event')]);
    const id = engine.timerStarts()[0]!.id;

    expect(engine.restoreTimerStart(id, null)).toBe(true);
    expect(engine.restoreTimerStart('no-such-process:1:start', { dueAt: T0 })).toBe(false);
    now = T0 + 500 * HOUR;
    ok(engine.fireDueTimers(now));
    expect(engine.listInstances()).toEqual([]);
  });
});

describe('instance timers fired one instance at a time', () => {
  it('given two instances with due timers, when one instance fires its timers, then only that instance moves on', async () => {
    let now = T0;
    const engine = new Engine({ clock: () => now });
    await engine.deploy([resource('timer-intermediate-duration-static')]);
    const processId = engine.listProcesses()[0]!.id;
    const a = ok(engine.start(processId)).instanceId;
    const b = ok(engine.start(processId)).instanceId;
    const before = engine.getInstance(b)!.activeElementIds;

    now = T0 + 1000 * HOUR;
    const result = ok(engine.fireInstanceTimers(a, now));

    expect(result.events.some((e) => e.type === 'timer.fired' && e.instanceId === a)).toBe(true);
    expect(result.events.every((e) => e.instanceId === a)).toBe(true);
    expect(engine.getInstance(b)!.activeElementIds).toEqual(before);
    expect(engine.fireInstanceTimers('nope', now).ok).toBe(false);
  });
});
