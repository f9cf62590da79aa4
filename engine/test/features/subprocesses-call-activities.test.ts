import { describe, expect, it } from 'vitest';

import { given, ok } from './harness.js';

describe('embedded sub-process', () => {
  it('given a sub-process with an input mapping, when its inner task opens, then the task sees the sub-process local variable and the root does not', async () => {
    const w = await given('subprocess-variable-scope');
    const id = w.start('gas-test-rounds', { permitId: 'CSE-2' });

    expect(w.active(id)).toEqual(['gasTestRound', 'takeReading']);
    expect(w.task(id, 'takeReading').variables).toMatchObject({ permitId: 'CSE-2', attempts: 0 });
    expect(w.vars(id)).toEqual({ permitId: 'CSE-2' });
  });

  it('given a sub-process local variable, when the inner task completes with it and a new variable, then the local one stays in the sub-process and the new one reaches the root', async () => {
    const w = await given('subprocess-variable-scope');
    const id = w.start('gas-test-rounds', { permitId: 'CSE-2' });

    w.complete(id, 'takeReading', { attempts: 1, reading: 3 });

    expect(w.completed(id)).toContain('gasTestRound');
    expect(w.taskIds(id)).toEqual(['reviewReadings']);
    expect(w.vars(id)).toEqual({ permitId: 'CSE-2', reading: 3 });
    expect(w.task(id, 'reviewReadings').variables).not.toHaveProperty('attempts');
  });
});

describe('call activity', () => {
  it('given a call activity, when it is reached, then a child instance starts with parentInstanceId and the parent variables', async () => {
    const w = await given('call-activity');
    const parent = w.start('hot-work-permit', { area: 'tank farm' });

    const children = w.instancesOf('gas-test-procedure');
    expect(children).toHaveLength(1);
    const child = children[0]!;
    expect(child.parentInstanceId).toBe(parent);
    expect(child.state).toBe('active');
    expect(child.variables).toMatchObject({ area: 'tank farm' });
    expect(w.taskIds(child.id)).toEqual(['measureGas']);
    expect(w.active(parent)).toEqual(['runGasTest']);
    expect(w.trail(parent, 'child.requested')).toEqual(['runGasTest']);
  });

  it('given a running child instance, when it ends, then its variables flow back and the parent continues after the call activity', async () => {
    const w = await given('call-activity');
    const parent = w.start('hot-work-permit', { area: 'tank farm' });
    const child = w.instancesOf('gas-test-procedure')[0]!.id;

    w.complete(child, 'measureGas', { lel: 3, o2: 20.8 });

    expect(w.state(child)).toBe('completed');
    expect(w.vars(parent)).toMatchObject({ area: 'tank farm', lel: 3, o2: 20.8 });
    expect(w.taskIds(parent)).toEqual(['issuePermit']);
    expect(w.trail(parent, 'child.finished')).toEqual(['runGasTest']);
    expect(w.completed(parent)).toContain('runGasTest');
  });

  it('given propagateAllChildVariables false and an output mapping, when the child ends, then only the mapped variable reaches the parent', async () => {
    const w = await given('call-activity-output-mapping');
    const parent = w.start('confined-space-permit', { space: 'vessel V-101' });
    const child = w.instancesOf('atmosphere-test')[0]!;
    expect(child.parentInstanceId).toBe(parent);

    w.complete(child.id, 'measureAtmosphere', { o2: 20.9, h2s: 0, operator: 'dana' });

    expect(w.vars(parent)).toEqual({ space: 'vessel V-101', oxygenPercent: 20.9 });
    expect(w.taskIds(parent)).toEqual(['issuePermit']);
  });

  it('given a parent waiting on a child, when the parent is cancelled, then the child is terminated too', async () => {
    const w = await given('call-activity');
    const parent = w.start('hot-work-permit');
    const child = w.instancesOf('gas-test-procedure')[0]!.id;

    ok(w.engine.cancel(parent));

    expect(w.state(parent)).toBe('terminated');
    expect(w.state(child)).toBe('terminated');
    expect(w.tasks(child)).toEqual([]);
  });
});
