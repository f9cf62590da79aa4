import { describe, expect, it } from 'vitest';

import { HOUR, MINUTE, T0, given, ok } from './harness.js';

describe('interrupting event sub-process', () => {
  it('given a message-started interrupting event sub-process, when the message is correlated, then the main flow is terminated and the event sub-process runs', async () => {
    const w = await given('event-subprocess-interrupting-message');
    const id = w.start('hot-work-revocable', { permitId: 'HW-7' });

    expect(w.correlate('permit-revoked', 'HW-7', { reason: 'wind above 40 km/h' })).toBe(1);

    expect(w.taskIds(id)).toEqual(['makeAreaSafe']);
    expect(w.active(id)).toEqual(['makeAreaSafe', 'onPermitRevoked']);
    expect(w.trail(id, 'task.cancelled')).toEqual(['performHotWork']);
    expect(w.vars(id)).toMatchObject({ reason: 'wind above 40 km/h' });

    w.complete(id, 'makeAreaSafe');
    expect(w.state(id)).toBe('completed');
    expect(w.completed(id)).not.toContain('hotWorkDone');
  });

  it('given a message-started event sub-process, when the message key belongs to another permit, then nothing happens', async () => {
    const w = await given('event-subprocess-interrupting-message');
    const id = w.start('hot-work-revocable', { permitId: 'HW-7' });

    expect(w.correlate('permit-revoked', 'HW-8')).toBe(0);

    expect(w.taskIds(id)).toEqual(['performHotWork']);
  });

  it('given a timer-started interrupting event sub-process, when the timer is due, then the main flow is terminated and the event sub-process runs', async () => {
    const w = await given('event-subprocess-interrupting-timer');
    const id = w.start('hot-work-expiring');
    expect(w.engine.nextTimerDue()).toBe(T0 + 2 * HOUR);

    w.advance(2 * HOUR);

    expect(w.taskIds(id)).toEqual(['reissueOrClose']);
    expect(w.trail(id, 'task.cancelled')).toEqual(['performHotWork']);
    w.complete(id, 'reissueOrClose');
    expect(w.state(id)).toBe('completed');
  });

  it('given a timer-started event sub-process, when the main flow completes first, then the timer is cancelled', async () => {
    const w = await given('event-subprocess-interrupting-timer');
    const id = w.start('hot-work-expiring');

    w.complete(id, 'performHotWork');

    expect(w.state(id)).toBe('completed');
    expect(w.engine.nextTimerDue()).toBeUndefined();
    expect(w.trail(id, 'timer.cancelled')).toEqual(['permitExpired']);
  });

  it('given an error-started interrupting event sub-process, when a job throws that error, then the job is gone and the event sub-process runs', async () => {
    const w = await given('event-subprocess-interrupting-error');
    const id = w.start('monitored-hot-work');
    const job = w.job(id, 'lel-monitor');

    ok(w.engine.throwError(job.key, 'LEL_ALARM'));

    expect(w.jobs(id)).toEqual([]);
    expect(w.taskIds(id)).toEqual(['shutDownWork']);
    expect(w.state(id)).toBe('active');
    w.complete(id, 'shutDownWork');
    expect(w.state(id)).toBe('completed');
    expect(w.completed(id)).not.toContain('monitoringDone');
  });
});

describe('non-interrupting event sub-process', () => {
  it('given a timer-started non-interrupting event sub-process, when the timer is due, then it runs alongside the main flow', async () => {
    const w = await given('event-subprocess-non-interrupting-timer');
    const id = w.start('hot-work-with-patrol');

    w.advance(30 * MINUTE);

    expect(w.taskIds(id)).toEqual(['patrolArea', 'performHotWork']);
    expect(w.count(id, 'task.cancelled')).toBe(0);
  });

  it('given a running non-interrupting event sub-process, when the main flow ends, then the scope completes only after the event sub-process finishes', async () => {
    const w = await given('event-subprocess-non-interrupting-timer');
    const id = w.start('hot-work-with-patrol');
    w.advance(30 * MINUTE);

    w.complete(id, 'performHotWork');
    expect(w.state(id)).toBe('active');
    expect(w.active(id)).toEqual(['firePatrol', 'patrolArea']);

    w.complete(id, 'patrolArea');
    expect(w.state(id)).toBe('completed');
    expect(w.types(id).at(-1)).toBe('instance.completed');
  });

  it('given a message-started non-interrupting event sub-process, when the message is correlated twice, then two event sub-process instances run alongside the main flow', async () => {
    const w = await given('event-subprocess-non-interrupting-message');
    const id = w.start('hot-work-gas-watch', { permitId: 'HW-3' });

    expect(w.correlate('gas-reading-high', 'HW-3', { lel: 12 })).toBe(1);
    expect(w.correlate('gas-reading-high', 'HW-3', { lel: 14 })).toBe(1);

    expect(w.taskIds(id)).toEqual(['performHotWork', 'recheckGas', 'recheckGas']);
  });

  it('given message-started event sub-processes running, when the main flow completes, then the instance completes only after every one of them finishes', async () => {
    const w = await given('event-subprocess-non-interrupting-message');
    const id = w.start('hot-work-gas-watch', { permitId: 'HW-3' });
    w.correlate('gas-reading-high', 'HW-3');
    w.correlate('gas-reading-high', 'HW-3');

    w.complete(id, 'performHotWork');
    expect(w.state(id)).toBe('active');

    const [first, second] = w.engine.openTasks({ instanceId: id, elementId: 'recheckGas' });
    ok(w.engine.completeTask(first!.id));
    expect(w.state(id)).toBe('active');
    ok(w.engine.completeTask(second!.id));
    expect(w.state(id)).toBe('completed');
  });
});
