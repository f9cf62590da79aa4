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
