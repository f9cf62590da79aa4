import { describe, expect, it } from 'vitest';

import { given, ok } from './harness.js';

describe('intermediate message catch event', () => {
  it('given an instance waiting for a message, when it is correlated with its key, then only that instance continues, with the message variables', async () => {
    const w = await given('message-intermediate-catch');
    const first = w.start('contractor-induction', { permitId: 'HW-1' });
    const second = w.start('contractor-induction', { permitId: 'HW-2' });
    expect(w.active(second)).toEqual(['contractorArrived']);

    const correlated = w.correlate('contractor-arrived', 'HW-2', {
      contractor: 'ACME Scaffolding',
    });

    expect(correlated).toBe(1);
    expect(w.taskIds(second)).toEqual(['briefContractor']);
    expect(w.vars(second)).toMatchObject({ permitId: 'HW-2', contractor: 'ACME Scaffolding' });
    expect(w.trail(second, 'message.correlated')).toEqual(['contractorArrived']);
    expect(w.active(first)).toEqual(['contractorArrived']);
    expect(w.vars(first)).not.toHaveProperty('contractor');
  });

  it('given an instance waiting for a message, when the key does not match, then nothing is correlated', async () => {
    const w = await given('message-intermediate-catch');
    const id = w.start('contractor-induction', { permitId: 'HW-1' });

    expect(w.correlate('contractor-arrived', 'HW-9')).toBe(0);

    expect(w.active(id)).toEqual(['contractorArrived']);
  });

  it('given a correlated message catch, when the same message is correlated again, then nothing more is correlated', async () => {
    const w = await given('message-intermediate-catch');
    const id = w.start('contractor-induction', { permitId: 'HW-1' });
    w.correlate('contractor-arrived', 'HW-1');

    expect(w.correlate('contractor-arrived', 'HW-1')).toBe(0);

    expect(w.count(id, 'message.correlated')).toBe(1);
  });
});

describe('intermediate signal throw and catch events', () => {
  it('given a branch waiting on a signal, when the other branch of the same instance throws that signal, then the waiting branch continues', async () => {
    const w = await given('signal-intermediate-throw-catch');
    const id = w.start('leak-response');
    expect(w.active(id)).toEqual(['detectLeak', 'evacuationHeard']);

    w.complete(id, 'detectLeak');

    expect(w.taskIds(id)).toEqual(['leaveZone']);
    expect(w.trail(id, 'signal.thrown')).toEqual(['soundEvacuation']);
    expect(w.completed(id)).toContain('evacuationHeard');
    const types = w.types(id);
    expect(types.indexOf('signal.thrown')).toBeLessThan(types.lastIndexOf('signal.received'));
  });

  it('given a branch waiting on a signal, when the host broadcasts the signal, then the waiting branch continues while the other branch still waits', async () => {
    const w = await given('signal-intermediate-throw-catch');
    const id = w.start('leak-response');

    ok(w.engine.broadcastSignal('evacuate-zone'));

    expect(w.taskIds(id)).toEqual(['detectLeak', 'leaveZone']);
    expect(w.trail(id, 'signal.received')).toEqual(['evacuationHeard']);
  });
});

describe('link events', () => {
  it('given a link throw event, when it is reached, then the flow continues at the link catch event with the same name', async () => {
    const w = await given('link-events');
    const id = w.start('scaffold-inspection');

    w.complete(id, 'inspectScaffold');

    expect(w.taskIds(id)).toEqual(['auditScaffold']);
    expect(w.active(id)).toEqual(['auditScaffold']);
    const path = w.completed(id);
    expect(path.indexOf('goToAudit')).toBeGreaterThan(path.indexOf('inspectScaffold'));
    expect(path.indexOf('auditEntry')).toBeGreaterThan(path.indexOf('goToAudit'));

    w.complete(id, 'auditScaffold');
    expect(w.state(id)).toBe('completed');
  });
});
