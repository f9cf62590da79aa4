import { describe, expect, it } from 'vitest';

import { given, ok, refusal } from './harness.js';

describe('assign task', () => {
  it('given an open task, when it is claimed, reassigned and unclaimed, then each hand-over is an event and the task shows the holder', async () => {
    const w = await given('user-task-assignment');
    const id = w.start('hot-work-approval', { requester: 'li.wei' });
    const task = w.task(id, 'approveHotWork');
    expect(task.assignee).toBe('li.wei');

    ok(w.engine.assignTask(task.id, 'zhang.min'));
    expect(w.task(id, 'approveHotWork').assignee).toBe('zhang.min');
    ok(w.engine.assignTask(task.id, null));
    expect(w.task(id, 'approveHotWork').assignee).toBeUndefined();

    const handOvers = w.events(id).filter((e) => e.type === 'task.assigned');
    expect(handOvers.map((e) => e.payload)).toEqual([
      { taskId: task.id, assignee: 'zhang.min', previous: 'li.wei' },
      { taskId: task.id, assignee: null, previous: 'zhang.min' },
    ]);
    expect(handOvers[0]?.elementId).toBe('approveHotWork');
  });

  it('given a completed task, when it is assigned, then the command is refused as no longer open', async () => {
    const w = await given('user-task-assignment');
    const id = w.start('hot-work-approval', { requester: 'li.wei' });
    const task = w.task(id, 'approveHotWork');
    w.complete(id, 'approveHotWork');

    expect(refusal(w.engine.assignTask(task.id, 'zhang.min'))).toBe('TASK_NOT_ACTIVE');
    expect(refusal(w.engine.assignTask('nope.1', 'zhang.min'))).toBe('TASK_NOT_FOUND');
  });

  it('given an open task, when it is assigned an empty name, then the command is refused and nothing changes', async () => {
    const w = await given('user-task-assignment');
    const id = w.start('hot-work-approval', { requester: 'li.wei' });
    const task = w.task(id, 'approveHotWork');
    const before = w.events(id).length;

    expect(refusal(w.engine.assignTask(task.id, '  '))).toBe('INVALID_ARGUMENT');
    expect(w.events(id)).toHaveLength(before);
  });
});

describe('migrate instance', () => {
  it('given an instance waiting at a task of v1, when it is migrated to v2 where the ids match, then it follows the v2 path', async () => {
    const w = await given('migrate-instance-v1');
    const id = w.start('line-break-permit');
    await w.deploy('migrate-instance-v2');

    ok(w.engine.migrateInstance(id, 'line-break-permit:2'));

    expect(w.instance(id).processKey).toBe('line-break-permit:2');
    expect(w.instance(id).version).toBe(2);
    expect(w.events(id).at(-1)).toMatchObject({
      type: 'instance.migrated',
      payload: { from: 'line-break-permit:1', to: 'line-break-permit:2', version: 2 },
    });
    w.complete(id, 'isolateLine');
    expect(w.taskIds(id)).toEqual(['verifyZeroEnergy']);
    w.complete(id, 'verifyZeroEnergy');
    w.complete(id, 'breakLine');
    expect(w.state(id)).toBe('completed');
  });

  it('given an instance at an element missing (or of another kind) in the target, when it is migrated, then it is refused naming those elements and stays on its version', async () => {
    const w = await given('migrate-instance-v1');
    const atIsolate = w.start('line-break-permit');
    const atBreak = w.start('line-break-permit');
    w.complete(atBreak, 'isolateLine');
    await w.deploy('migrate-instance-v3-renamed');

    const missing = w.engine.migrateInstance(atIsolate, 'line-break-permit:2');
    expect(refusal(missing)).toBe('MIGRATION_INVALID');
    expect(!missing.ok && missing.error.message).toContain("'isolateLine'");
    const changed = w.engine.migrateInstance(atBreak, 'line-break-permit:2');
    expect(refusal(changed)).toBe('MIGRATION_INVALID');
    expect(!changed.ok && changed.error.message).toContain("'breakLine' (userTask → serviceTask)");

    expect(w.instance(atIsolate).processKey).toBe('line-break-permit:1');
    w.complete(atIsolate, 'isolateLine');
    expect(w.taskIds(atIsolate)).toEqual(['breakLine']);
  });

  it('given a target of another process or an unknown version, when migrating, then it is refused', async () => {
    const w = await given('migrate-instance-v1', 'user-task-assignment');
    const id = w.start('line-break-permit');

    expect(refusal(w.engine.migrateInstance(id, 'hot-work-approval:1'))).toBe('MIGRATION_INVALID');
    expect(refusal(w.engine.migrateInstance(id, 'line-break-permit:9'))).toBe('PROCESS_NOT_FOUND');
    expect(refusal(w.engine.migrateInstance(id, 'line-break-permit:1'))).toBe('MIGRATION_INVALID');
  });

  it('given a migrated instance saved and restored in a fresh engine, when it continues, then it is on the target version', async () => {
    const w = await given('migrate-instance-v1');
    const id = w.start('line-break-permit');
    await w.deploy('migrate-instance-v2');
    ok(w.engine.migrateInstance(id, 'line-break-permit:2'));
    const saved = w.engine.getState(id)!;

    const fresh = await given('migrate-instance-v1');
    await fresh.deploy('migrate-instance-v2');
    fresh.engine.restoreInstance(saved, w.events(id));
    fresh.complete(id, 'isolateLine');
    expect(fresh.taskIds(id)).toEqual(['verifyZeroEnergy']);
  });
});
