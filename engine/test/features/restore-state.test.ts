import { describe, expect, it } from 'vitest';

import { Engine, STATE_SCHEMA_VERSION } from '../../src/index.js';
import { T0, fixture, ok } from './harness.js';

const permit = [{ name: 'user-task-assignment.bpmn', content: fixture('user-task-assignment') }];

describe('saved state', () => {
  it('given an instance saved as JSON by one engine, when another engine restores it, then it carries on and its log continues', async () => {
    const first = new Engine({ clock: () => T0 });
    await first.deploy(permit);
    const { instanceId } = ok(
      first.start('hot-work-approval', { variables: { requester: 'alice' } }),
    );
    const saved = JSON.parse(JSON.stringify(first.getState(instanceId)));
    const log = first.getEvents(instanceId);
    expect(saved.schemaVersion).toBe(STATE_SCHEMA_VERSION);

    const second = new Engine({ clock: () => T0 + 1000 });
    await second.deploy(permit);
    second.restoreInstance(saved, log);
    const [task] = second.openTasks({ instanceId });
    expect(task?.assignee).toBe('alice');
    ok(second.completeTask(task!.id, { approved: true }));

    expect(second.getInstance(instanceId)?.state).toBe('completed');
    const events = second.getEvents(instanceId);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(second.replay(events)).toEqual(second.getState(instanceId));
  });

  it('given a state written by a newer engine, when it is restored, then it is refused with a clear message', async () => {
    const engine = new Engine({ clock: () => T0 });
    await engine.deploy(permit);
    const { instanceId } = ok(
      engine.start('hot-work-approval', { variables: { requester: 'alice' } }),
    );
    const saved = { ...engine.getState(instanceId)!, schemaVersion: STATE_SCHEMA_VERSION + 1 };
    expect(() => new Engine().restoreInstance(saved)).toThrow(/newer than this engine/);
  });
});

describe('unloading an instance', () => {
  it('given a waiting instance, when it is unloaded and restored from its saved state, then its open task can be completed again', async () => {
    const engine = new Engine({ clock: () => T0 });
    await engine.deploy(permit);
    const { instanceId } = ok(
      engine.start('hot-work-approval', { variables: { requester: 'alice' } }),
    );
    const saved = engine.getState(instanceId)!;
    const log = engine.getEvents(instanceId);
    const [before] = engine.openTasks({ instanceId });

    expect(engine.unloadInstance(instanceId)).toBe(true);
    expect(engine.getInstance(instanceId)).toBeUndefined();
    expect(engine.openTasks()).toEqual([]);
    expect(engine.completeTask(before!.id).ok).toBe(false);

    engine.restoreInstance(saved, log);
    ok(engine.completeTask(before!.id, { approved: true }));
    expect(engine.getInstance(instanceId)?.state).toBe('completed');
  });
});
