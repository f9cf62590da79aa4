import { describe, expect, it } from 'vitest';

import { HOUR, T0, given, ok } from './harness.js';

describe('exclusive gateway', () => {
  it('given no condition is true, when the instance starts, then the default flow is taken', async () => {
    const w = await given('exclusive-gateway-default-flow');

    const id = w.start('entry-gas-decision', { lel: 2 });

    expect(w.taskIds(id)).toEqual(['proceedWithEntry']);
    expect(w.completed(id)).toEqual(['readingTaken', 'lelLevel']);
    expect(w.trail(id, 'element.activated')).not.toContain('ventilate');
    expect(w.trail(id, 'element.activated')).not.toContain('monitorClosely');
  });

  it('given two true conditions, when the instance starts, then only the first outgoing flow in model order is taken', async () => {
    const w = await given('exclusive-gateway-default-flow');

    const id = w.start('entry-gas-decision', { lel: 20 });

    expect(w.taskIds(id)).toEqual(['ventilate']);
  });

  it('given exactly one true condition, when the instance starts, then that flow is taken rather than the default', async () => {
    const w = await given('exclusive-gateway-default-flow');

    const id = w.start('entry-gas-decision', { lel: 7 });

    expect(w.taskIds(id)).toEqual(['monitorClosely']);
  });

  it('given no condition is true and no default flow, when the instance starts, then an incident is raised at the gateway', async () => {
    const w = await given('exclusive-gateway-no-match');

    const id = w.start('entry-gas-decision-strict', { lel: 7 });

    expect(w.state(id)).toBe('incident');
    expect(w.tasks(id)).toEqual([]);
    const incidents = w.incidents(id);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.elementId).toBe('lelLevel');
  });

  it('given a gateway incident, when it is resolved with variables that make a condition true, then the flow continues', async () => {
    const w = await given('exclusive-gateway-no-match');
    const id = w.start('entry-gas-decision-strict', { lel: 7 });
    const [incident] = w.incidents(id);

    ok(w.engine.resolveIncident(incident!.id, { variables: { lel: 12 } }));

    expect(w.state(id)).toBe('active');
    expect(w.incidents(id)).toEqual([]);
    expect(w.taskIds(id)).toEqual(['ventilate']);
  });
});

describe('parallel gateway', () => {
  it('given a parallel fork, when the instance starts, then every branch is active', async () => {
    const w = await given('parallel-gateway-fork-join');

    const id = w.start('entry-preparation');

    expect(w.taskIds(id)).toEqual(['isolateEnergy', 'postAttendant', 'ventSpace']);
  });

  it('given a parallel join, when all but one branch have arrived, then the join waits; when the last arrives, then it fires once', async () => {
    const w = await given('parallel-gateway-fork-join');
    const id = w.start('entry-preparation');

    w.complete(id, 'ventSpace');
    w.complete(id, 'isolateEnergy');
    expect(w.taskIds(id)).toEqual(['postAttendant']);
    expect(w.count(id, 'join.fired')).toBe(0);

    w.complete(id, 'postAttendant');
    expect(w.taskIds(id)).toEqual(['authoriseEntry']);
    expect(w.trail(id, 'join.fired')).toEqual(['join']);
    expect(w.count(id, 'element.completed', 'join')).toBe(1);
  });

  it('given a parallel join after an exclusive split, when the single branch arrives, then the join never fires and the instance stays active', async () => {
    const w = await given('parallel-join-after-exclusive-split-deadlock');
    const id = w.start('miswired-entry-check', { confinedSpace: true });

    w.complete(id, 'testGas');

    expect(w.state(id)).toBe('active');
    expect(w.tasks(id)).toEqual([]);
    expect(w.jobs(id)).toEqual([]);
    expect(w.count(id, 'join.fired')).toBe(0);
    expect(w.count(id, 'instance.completed')).toBe(0);
    expect(w.trail(id, 'element.activated')).not.toContain('issuePermit');
  });
});

describe('inclusive gateway', () => {
  it('given several true conditions, when the split is reached, then exactly the flows whose condition is true are taken', async () => {
    const w = await given('inclusive-gateway-split');

    const id = w.start('permit-precautions', {
      hotWork: true,
      confinedSpace: true,
      workingAtHeight: false,
    });

    expect(w.taskIds(id)).toEqual(['arrangeFireWatch', 'testGas']);
  });

  it('given an inclusive split and join, when one of two activated branches arrives, then the join waits for the other', async () => {
    const w = await given('inclusive-split-and-join');
    const id = w.start('permit-precautions-joined', {
      hotWork: true,
      confinedSpace: false,
      workingAtHeight: true,
    });
    expect(w.taskIds(id)).toEqual(['arrangeFireWatch', 'checkHarness']);

    w.complete(id, 'checkHarness');
    expect(w.taskIds(id)).toEqual(['arrangeFireWatch']);

    w.complete(id, 'arrangeFireWatch');
    expect(w.taskIds(id)).toEqual(['issuePermit']);
    expect(w.count(id, 'join.fired', 'precautionsDone')).toBe(1);
  });

  it('given an inclusive join after an exclusive split, when the one token arrives, then the join fires at once', async () => {
    const w = await given('inclusive-join-after-exclusive-split');
    const id = w.start('entry-check-either', { confinedSpace: true });

    w.complete(id, 'testGas');

    expect(w.taskIds(id)).toEqual(['issuePermit']);
    expect(w.trail(id, 'join.fired')).toEqual(['merge']);
  });

  it('given an inclusive join after a parallel split, when the first token arrives, then it waits; when the second arrives, then it fires', async () => {
    const w = await given('inclusive-join-after-parallel-split');
    const id = w.start('entry-check-both');

    w.complete(id, 'testGas');
    expect(w.taskIds(id)).toEqual(['checkIsolation']);
    expect(w.count(id, 'join.fired')).toBe(0);

    w.complete(id, 'checkIsolation');
    expect(w.taskIds(id)).toEqual(['issuePermit']);
    expect(w.count(id, 'join.fired', 'merge')).toBe(1);
  });
});

describe('event-based gateway', () => {
  it('given a message and a timer after the gateway, when the message arrives first, then its path is taken and the timer is withdrawn', async () => {
    const w = await given('event-based-gateway');
    const id = w.start('contractor-arrival', { permitId: 'HW-5' });
    expect(w.tasks(id)).toEqual([]);
    expect(w.state(id)).toBe('active');
    expect(w.engine.nextTimerDue()).toBe(T0 + HOUR);

    expect(w.correlate('contractor-arrived', 'HW-5')).toBe(1);

    expect(w.taskIds(id)).toEqual(['briefContractor']);
    expect(w.engine.nextTimerDue()).toBeUndefined();
    w.advance(2 * HOUR);
    expect(w.taskIds(id)).toEqual(['briefContractor']);
    expect(w.count(id, 'timer.fired')).toBe(0);
  });

  it('given a message and a timer after the gateway, when the timer fires first, then its path is taken and the message no longer correlates', async () => {
    const w = await given('event-based-gateway');
    const id = w.start('contractor-arrival', { permitId: 'HW-5' });

    w.advance(HOUR);

    expect(w.taskIds(id)).toEqual(['suspendPermit']);
    expect(w.correlate('contractor-arrived', 'HW-5')).toBe(0);
    expect(w.taskIds(id)).toEqual(['suspendPermit']);
    expect(w.count(id, 'message.correlated')).toBe(0);
  });
});
