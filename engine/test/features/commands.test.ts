import { describe, expect, it } from 'vitest';

import { World, given, ok, refusal } from './harness.js';

describe('cancel', () => {
  it('given an instance with an open task, a job and a timer, when it is cancelled, then it is terminated and nothing is left open', async () => {
    const w = await given('cancel-instance');
    const id = w.start('excavation-permit');
    expect(w.taskIds(id)).toEqual(['superviseDig']);
    expect(w.jobs(id)).toHaveLength(1);
    expect(w.engine.nextTimerDue()).toBeDefined();

    ok(w.engine.cancel(id));

    expect(w.state(id)).toBe('terminated');
    expect(w.active(id)).toEqual([]);
    expect(w.tasks(id)).toEqual([]);
    expect(w.jobs(id)).toEqual([]);
    expect(w.engine.nextTimerDue()).toBeUndefined();
    expect(['instance.cancelled', 'instance.terminated']).toContain(w.types(id).at(-1));
    expect(w.instance(id).endedAt).toBe(w.now);
  });

  it('given a cancelled instance, when its former task is completed, then the command is refused', async () => {
    const w = await given('cancel-instance');
    const id = w.start('excavation-permit');
    const task = w.task(id, 'superviseDig');
    ok(w.engine.cancel(id));

    expect(refusal(w.engine.completeTask(task.id))).toBe('TASK_NOT_ACTIVE');
  });
});

describe('modify', () => {
  it('given an instance stuck at a task, when that element is terminated by id and another is activated, then the instance continues from the new element', async () => {
    const w = await given('modify-instance');
    const id = w.start('contractor-permit', { contractor: 'ACME' });
    const stuck = w.task(id, 'awaitContractorInsurance');

    ok(
      w.engine.modify(id, {
        terminate: ['awaitContractorInsurance'],
        activate: [{ elementId: 'issuePermit', variables: { insuranceWaivedBy: 'site manager' } }],
      }),
    );

    expect(w.taskIds(id)).toEqual(['issuePermit']);
    expect(w.active(id)).toEqual(['issuePermit']);
    expect(w.vars(id)).toMatchObject({ contractor: 'ACME', insuranceWaivedBy: 'site manager' });
    expect(w.count(id, 'modify.applied')).toBe(1);
    expect(w.trail(id, 'element.terminated')).toContain('awaitContractorInsurance');
    expect(refusal(w.engine.completeTask(stuck.id))).toBe('TASK_NOT_ACTIVE');

    w.complete(id, 'issuePermit');
    expect(w.state(id)).toBe('completed');
    expect(w.completed(id)).not.toContain('reviewInsurance');
  });
});

describe('command refusals', () => {
  it('given no matching subscription, when a message is correlated, then correlated is 0 and no instance changes', async () => {
    const w = await given('message-correlation-no-match');
    const id = w.start('isolation-confirmation', { permitId: 'LOTO-1' });
    const logLength = w.events(id).length;

    const result = ok(
      w.engine.correlateMessage({ name: 'isolation-removed', correlationKey: 'LOTO-1' }),
    );

    expect(result.correlated).toBe(0);
    expect(w.correlate('isolation-confirmed', 'LOTO-2')).toBe(0);
    expect(w.events(id)).toHaveLength(logLength);
    expect(w.active(id)).toEqual(['isolationConfirmed']);
  });

  it('given an unknown task id, when it is completed, then the command is refused with TASK_NOT_FOUND', () => {
    const w = new World();

    expect(refusal(w.engine.completeTask('no-such-task', { approved: true }))).toBe(
      'TASK_NOT_FOUND',
    );
  });

  it('given an unknown process id, when it is started, then the start is refused with PROCESS_NOT_FOUND and no instance exists', async () => {
    const w = await given('none-start-event');

    expect(refusal(w.engine.start('no-such-process'))).toBe('PROCESS_NOT_FOUND');

    expect(w.engine.listInstances()).toEqual([]);
  });
});
