import { describe, expect, it } from 'vitest';

import { MINUTE, given, ok } from './harness.js';

describe('none start event', () => {
  it('given a process with a none start event, when it is started, then the instance waits at the first task', async () => {
    const w = await given('none-start-event');

    const id = w.start('permit-request', { permitId: 'HW-1' });

    expect(w.state(id)).toBe('active');
    expect(w.active(id)).toEqual(['fillPermitForm']);
    expect(w.vars(id)).toEqual({ permitId: 'HW-1' });
    expect(w.types(id)[0]).toBe('instance.started');
    expect(w.completed(id)).toEqual(['permitRequested']);
    expect(w.taskIds(id)).toEqual(['fillPermitForm']);
  });

  it('given a started instance, when its only task is completed, then it ends at the none end event', async () => {
    const w = await given('none-start-event');
    const id = w.start('permit-request');

    w.complete(id, 'fillPermitForm');

    expect(w.state(id)).toBe('completed');
    expect(w.completed(id)).toEqual(['permitRequested', 'fillPermitForm', 'permitSubmitted']);
  });
});

describe('message start event', () => {
  it('given a process with a message start event, when the message is correlated, then a new instance starts with the message variables', async () => {
    const w = await given('message-start-event');

    const correlated = w.correlate('gas-alarm-raised', undefined, { zone: 'B2' });

    expect(correlated).toBe(1);
    const instances = w.instancesOf('gas-alarm-response');
    expect(instances).toHaveLength(1);
    const id = instances[0]!.id;
    expect(w.state(id)).toBe('active');
    expect(w.vars(id)).toMatchObject({ zone: 'B2' });
    expect(w.taskIds(id)).toEqual(['evacuateArea']);
    expect(w.completed(id)).toEqual(['gasAlarmRaised']);
  });

  it('given a message start event, when the message is correlated twice, then two independent instances exist', async () => {
    const w = await given('message-start-event');

    w.correlate('gas-alarm-raised', undefined, { zone: 'B2' });
    w.correlate('gas-alarm-raised', undefined, { zone: 'C7' });

    const zones = w.instancesOf('gas-alarm-response').map((i) => i.variables['zone']);
    expect(zones).toEqual(['B2', 'C7']);
  });

  it('given a message start event, when a message with another name is correlated, then no instance starts', async () => {
    const w = await given('message-start-event');

    expect(w.correlate('gas-alarm-cleared')).toBe(0);

    expect(w.instancesOf('gas-alarm-response')).toEqual([]);
  });
});

describe('signal start event', () => {
  it('given a process with a signal start event, when the signal is broadcast, then a new instance starts with the signal variables', async () => {
    const w = await given('signal-start-event');

    ok(w.engine.broadcastSignal('evacuation-drill', { site: 'north' }));

    const instances = w.instancesOf('evacuation-drill');
    expect(instances).toHaveLength(1);
    const id = instances[0]!.id;
    expect(w.vars(id)).toMatchObject({ site: 'north' });
    expect(w.taskIds(id)).toEqual(['musterHeadcount']);
  });

  it('given a signal start event, when another signal is broadcast, then no instance starts', async () => {
    const w = await given('signal-start-event');

    ok(w.engine.broadcastSignal('fire-alarm'));

    expect(w.instancesOf('evacuation-drill')).toEqual([]);
  });
});

describe('none end event', () => {
  it('given a path of pass-through elements, when the instance starts, then it completes at the end event and logs instance.completed last', async () => {
    const w = await given('none-end-event');

    const id = w.start('permit-close-out');

    expect(w.state(id)).toBe('completed');
    expect(w.active(id)).toEqual([]);
    expect(w.completed(id)).toEqual(['closeOutRequested', 'archivePermit', 'permitClosed']);
    expect(w.types(id).at(-1)).toBe('instance.completed');
    expect(w.instance(id).endedAt).toBe(w.now);
  });
});

describe('terminate end event', () => {
  it('given a parallel branch waiting on a timer, when the other branch reaches a terminate end event, then the waiting branch is terminated and its timer cancelled', async () => {
    const w = await given('terminate-end-event');
    const id = w.start('confined-space-entry');
    expect(w.engine.nextTimerDue()).toBe(w.now + 15 * MINUTE);
    expect(w.active(id)).toEqual(['abortEntry', 'ventilationWait']);

    w.complete(id, 'abortEntry');

    expect(w.state(id)).toBe('completed');
    expect(w.active(id)).toEqual([]);
    expect(w.trail(id, 'element.terminated')).toContain('ventilationWait');
    expect(w.trail(id, 'timer.cancelled')).toEqual(['ventilationWait']);
    expect(w.engine.nextTimerDue()).toBeUndefined();
  });

  it('given an instance ended by a terminate end event, when time passes the cancelled timer, then nothing fires', async () => {
    const w = await given('terminate-end-event');
    const id = w.start('confined-space-entry');
    w.complete(id, 'abortEntry');
    const logLength = w.events(id).length;

    w.advance(20 * MINUTE);

    expect(w.events(id)).toHaveLength(logLength);
    expect(w.count(id, 'timer.fired')).toBe(0);
    expect(w.tasks(id)).toEqual([]);
  });
});

describe('signal end event', () => {
  it('given an instance waiting on a signal, when another instance ends at a signal end event, then the waiting instance continues', async () => {
    const w = await given('signal-end-event');
    const muster = w.start('muster-station');
    expect(w.active(muster)).toEqual(['siteAlarmHeard']);
    const detector = w.start('gas-detector');

    w.complete(detector, 'confirmReading');

    expect(w.state(detector)).toBe('completed');
    expect(w.completed(detector).at(-1)).toBe('raiseSiteAlarm');
    expect(w.count(detector, 'signal.thrown')).toBe(1);
    expect(w.taskIds(muster)).toEqual(['countPeople']);
    expect(w.completed(muster)).toContain('siteAlarmHeard');
  });
});

describe('message end event', () => {
  it('given a message end event with a task definition, when the token reaches it, then a job is created and the instance waits for it', async () => {
    const w = await given('message-end-event-job');
    const id = w.start('permit-approval', { contractor: 'ACME' });

    w.complete(id, 'approvePermit');

    const job = w.job(id, 'notify-contractor');
    expect(job.elementId).toBe('notifyContractor');
    expect(job.variables).toMatchObject({ contractor: 'ACME' });
    expect(w.state(id)).toBe('active');
    expect(w.active(id)).toEqual(['notifyContractor']);
  });

  it('given the message end event job, when the job is completed, then the instance completes', async () => {
    const w = await given('message-end-event-job');
    const id = w.start('permit-approval');
    w.complete(id, 'approvePermit');

    w.completeJob(id, 'notify-contractor');

    expect(w.state(id)).toBe('completed');
    expect(w.completed(id).at(-1)).toBe('notifyContractor');
  });
});
