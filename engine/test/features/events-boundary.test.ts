import { describe, expect, it } from 'vitest';

import { HOUR, MINUTE, T0, given, ok, refusal } from './harness.js';

describe('interrupting boundary timer on a user task', () => {
  it('given a 1 h boundary timer, when the hour passes, then the user task is cancelled and the escalation task opens', async () => {
    const w = await given('boundary-timer-interrupting');
    const id = w.start('permit-sign-off');
    const signOff = w.task(id, 'signOffPermit');
    expect(w.engine.nextTimerDue()).toBe(T0 + HOUR);

    w.advance(HOUR);

    expect(w.taskIds(id)).toEqual(['escalateOverduePermit']);
    expect(w.active(id)).toEqual(['escalateOverduePermit']);
    expect(w.trail(id, 'task.cancelled')).toEqual(['signOffPermit']);
    expect(w.trail(id, 'element.terminated')).toContain('signOffPermit');
    expect(refusal(w.engine.completeTask(signOff.id))).toBe('TASK_NOT_ACTIVE');
  });

  it('given a 1 h boundary timer, when the task is completed in time, then the timer is cancelled and never fires', async () => {
    const w = await given('boundary-timer-interrupting');
    const id = w.start('permit-sign-off');
    w.advance(30 * MINUTE);

    w.complete(id, 'signOffPermit');
    w.advance(2 * HOUR);

    expect(w.state(id)).toBe('completed');
    expect(w.trail(id, 'timer.cancelled')).toEqual(['signOffOverdue']);
    expect(w.count(id, 'timer.fired')).toBe(0);
    expect(w.engine.nextTimerDue()).toBeUndefined();
  });
});

describe('non-interrupting boundary timer on a user task', () => {
  it('given a 30 min non-interrupting timer, when 30 minutes pass, then the user task stays open and a second task opens', async () => {
    const w = await given('boundary-timer-non-interrupting');
    const id = w.start('welding-fire-watch');

    w.advance(30 * MINUTE);

    expect(w.taskIds(id)).toEqual(['keepFireWatch', 'relieveWatcher']);
    expect(w.count(id, 'task.cancelled')).toBe(0);
    expect(w.engine.nextTimerDue()).toBeUndefined();
  });

  it('given the timer fired, when the original task completes, then the instance waits for the boundary path before completing', async () => {
    const w = await given('boundary-timer-non-interrupting');
    const id = w.start('welding-fire-watch');
    w.advance(30 * MINUTE);

    w.complete(id, 'keepFireWatch');
    expect(w.state(id)).toBe('active');
    expect(w.taskIds(id)).toEqual(['relieveWatcher']);

    w.complete(id, 'relieveWatcher');
    expect(w.state(id)).toBe('completed');
  });
});

describe('boundary message event', () => {
  it('given an interrupting message boundary, when the message is correlated with the key, then the task is cancelled and the boundary path taken', async () => {
    const w = await given('boundary-message-interrupting');
    const id = w.start('isolated-work', { permitId: 'LOTO-12' });
    const other = w.start('isolated-work', { permitId: 'LOTO-13' });

    expect(w.correlate('isolation-revoked', 'LOTO-12', { revokedBy: 'control room' })).toBe(1);

    expect(w.taskIds(id)).toEqual(['stopWork']);
    expect(w.trail(id, 'task.cancelled')).toEqual(['performMaintenance']);
    expect(w.vars(id)).toMatchObject({ revokedBy: 'control room' });
    expect(w.taskIds(other)).toEqual(['performMaintenance']);
  });

  it('given a message boundary, when the task completes first, then the subscription is closed and the message no longer correlates', async () => {
    const w = await given('boundary-message-interrupting');
    const id = w.start('isolated-work', { permitId: 'LOTO-12' });

    w.complete(id, 'performMaintenance');

    expect(w.state(id)).toBe('completed');
    expect(w.correlate('isolation-revoked', 'LOTO-12')).toBe(0);
  });
});

describe('boundary signal event', () => {
  it('given an interrupting signal boundary, when the signal is broadcast, then the task is cancelled and the boundary path taken', async () => {
    const w = await given('boundary-signal');
    const id = w.start('welding-job');

    ok(w.engine.broadcastSignal('fire-alarm'));

    expect(w.taskIds(id)).toEqual(['evacuateWelders']);
    expect(w.trail(id, 'task.cancelled')).toEqual(['weldSeam']);
    expect(w.trail(id, 'signal.received')).toEqual(['fireAlarm']);
  });

  it('given a signal boundary, when an unrelated signal is broadcast, then the task keeps waiting', async () => {
    const w = await given('boundary-signal');
    const id = w.start('welding-job');

    ok(w.engine.broadcastSignal('evacuation-drill'));

    expect(w.taskIds(id)).toEqual(['weldSeam']);
    expect(w.count(id, 'signal.received')).toBe(0);
  });
});
