import { describe, expect, it } from 'vitest';

import { given } from './harness.js';

describe('standard loop', () => {
  it('given a do-while loop on a user task, when the instance starts, then the task runs once before the condition is checked', async () => {
    const w = await given('standard-loop-do-while');

    const id = w.start('gas-retest', { gasOk: true });

    expect(w.taskIds(id)).toEqual(['takeGasReading']);
  });

  it('given a do-while loop, when the condition stays true twice, then the task runs three times before the flow continues', async () => {
    const w = await given('standard-loop-do-while');
    const id = w.start('gas-retest', { gasOk: false });

    w.complete(id, 'takeGasReading', { gasOk: false, lel: 14 });
    expect(w.taskIds(id)).toEqual(['takeGasReading']);
    w.complete(id, 'takeGasReading', { gasOk: false, lel: 11 });
    expect(w.taskIds(id)).toEqual(['takeGasReading']);
    w.complete(id, 'takeGasReading', { gasOk: true, lel: 4 });

    expect(w.taskIds(id)).toEqual(['authoriseEntry']);
    expect(w.count(id, 'task.created', 'takeGasReading')).toBe(3);
    expect(w.vars(id)).toMatchObject({ gasOk: true, lel: 4 });
  });

  it('given testBefore="true" and a false condition, when the instance starts, then the looped task runs zero times', async () => {
    const w = await given('standard-loop-test-before');

    const id = w.start('optional-retest', { needsRetest: false });

    expect(w.taskIds(id)).toEqual(['issuePermit']);
    expect(w.count(id, 'task.created', 'retestGas')).toBe(0);
  });

  it('given testBefore="true" and a true condition, when the condition turns false after the first run, then the task ran once', async () => {
    const w = await given('standard-loop-test-before');
    const id = w.start('optional-retest', { needsRetest: true });

    w.complete(id, 'retestGas', { needsRetest: false });

    expect(w.taskIds(id)).toEqual(['issuePermit']);
    expect(w.count(id, 'task.created', 'retestGas')).toBe(1);
  });

  it('given loopMaximum="2" and an always-true condition, when the task is completed twice, then the loop stops and the flow continues', async () => {
    const w = await given('standard-loop-maximum');
    const id = w.start('capped-retest');

    w.complete(id, 'retestGas');
    expect(w.taskIds(id)).toEqual(['retestGas']);
    w.complete(id, 'retestGas');

    expect(w.taskIds(id)).toEqual(['escalateToSupervisor']);
    expect(w.count(id, 'task.created', 'retestGas')).toBe(2);
  });
});
