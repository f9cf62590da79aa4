import { describe, expect, it } from 'vitest';

import { given, ok } from './harness.js';

describe('execution listeners (zeebe:executionListeners)', () => {
  it('given start and end listeners on a user task, when the instance runs, then the listener jobs run in order around the task', async () => {
    const w = await given('execution-listeners');
    const id = w.start('confined-space-entry', {});

    // Start listeners run one after another before the task opens.
    expect(w.engine.openTasks({ instanceId: id })).toEqual([]);
    const [first] = w.engine.activatableJobs({ instanceId: id });
    expect(first?.type).toBe('check-gas-reading');
    expect(first?.retries).toBe(2);
    ok(w.engine.completeJob(first!.key, { o2: 20.9 }));
    const [second] = w.engine.activatableJobs({ instanceId: id });
    expect(second?.type).toBe('notify-watcher');
    expect(w.engine.openTasks({ instanceId: id })).toEqual([]);
    ok(w.engine.completeJob(second!.key));

    // Then the task itself; its completion waits for the end listener.
    const task = w.engine.openTasks({ instanceId: id })[0]!;
    expect(task.elementId).toBe('enterTank');
    ok(w.engine.completeTask(task.id, { exitedAt: '10:42' }));
    expect(w.state(id)).toBe('active');
    const [end] = w.engine.activatableJobs({ instanceId: id });
    expect(end?.type).toBe('log-exit');
    expect(end?.variables).toMatchObject({ o2: 20.9, exitedAt: '10:42' });
    ok(w.engine.completeJob(end!.key));

    expect(w.state(id)).toBe('completed');
    expect(w.vars(id)).toEqual({ o2: 20.9, exitedAt: '10:42' });
    const jobs = w
      .events(id)
      .filter((e) => e.type === 'job.created')
      .map((e) => (e.payload.job as { type: string }).type);
    expect(jobs).toEqual(['check-gas-reading', 'notify-watcher', 'log-exit']);
  });

  it('given a start listener job that fails with no retries, then an incident holds the element before its behaviour', async () => {
    const w = await given('execution-listeners');
    const id = w.start('confined-space-entry', {});
    const [first] = w.engine.activatableJobs({ instanceId: id });
    ok(w.engine.failJob(first!.key, { retries: 0, errorMessage: 'gas detector offline' }));
    expect(w.state(id)).toBe('incident');
    expect(w.engine.openTasks({ instanceId: id })).toEqual([]);
  });
});
