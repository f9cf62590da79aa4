import { describe, expect, it } from 'vitest';

import { given, ok } from './harness.js';

describe('error end event', () => {
  it('given a sub-process with an error boundary, when an error end event inside is reached, then the sub-process is terminated and the boundary path is taken', async () => {
    const w = await given('error-end-caught-by-subprocess-boundary');
    const id = w.start('hot-work-gas-check');
    expect(w.active(id)).toEqual(['gasTest', 'measureGas']);

    w.complete(id, 'measureGas', { lel: 25 });

    expect(w.state(id)).toBe('active');
    expect(w.active(id)).toEqual(['ventilateArea']);
    expect(w.taskIds(id)).toEqual(['ventilateArea']);
    expect(w.trail(id, 'error.thrown')).toEqual(['gasLimitExceeded']);
    expect(w.trail(id, 'element.terminated')).toContain('gasTest');
    expect(w.completed(id)).not.toContain('gasTest');
    expect(w.completed(id)).toContain('onGasLimitExceeded');
  });

  it('given the same sub-process, when no error is thrown, then the sub-process completes normally and the boundary is not taken', async () => {
    const w = await given('error-end-caught-by-subprocess-boundary');
    const id = w.start('hot-work-gas-check');

    w.complete(id, 'measureGas', { lel: 3 });

    expect(w.taskIds(id)).toEqual(['issuePermit']);
    expect(w.completed(id)).toContain('gasTest');
    expect(w.count(id, 'error.thrown')).toBe(0);
  });

  it('given an error end event at process level with no catch, when it is reached, then the instance is in incident (not completed)', async () => {
    const w = await given('error-end-uncaught');
    const id = w.start('harness-inspection');

    w.complete(id, 'inspectHarness');

    expect(w.state(id)).toBe('incident');
    expect(w.count(id, 'instance.completed')).toBe(0);
    const incidents = w.incidents(id);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.elementId).toBe('harnessDefective');
    expect(w.count(id, 'incident.raised')).toBe(1);
  });
});

describe('escalation end event', () => {
  it('given an interrupting escalation boundary on a sub-process, when an escalation end event inside is reached, then the sub-process is terminated and the boundary path is taken', async () => {
    const w = await given('escalation-end-interrupting-boundary');
    const id = w.start('energy-isolation');

    w.complete(id, 'verifyLockout', { lockoutVerified: false });

    expect(w.active(id)).toEqual(['supervisorReview']);
    expect(w.trail(id, 'escalation.thrown')).toEqual(['escalateMissingLockout']);
    expect(w.trail(id, 'element.terminated')).toContain('isolationCheck');
    expect(w.completed(id)).not.toContain('isolationCheck');

    w.complete(id, 'supervisorReview');
    expect(w.state(id)).toBe('completed');
    expect(w.completed(id)).not.toContain('startWork');
  });

  it('given an interrupting escalation boundary, when the sub-process ends without escalating, then the normal flow continues', async () => {
    const w = await given('escalation-end-interrupting-boundary');
    const id = w.start('energy-isolation');

    w.complete(id, 'verifyLockout', { lockoutVerified: true });

    expect(w.taskIds(id)).toEqual(['startWork']);
    expect(w.count(id, 'escalation.thrown')).toBe(0);
  });

  it('given a non-interrupting escalation boundary, when an escalation end event ends one branch, then the sub-process keeps running alongside the boundary path', async () => {
    const w = await given('escalation-end-non-interrupting-boundary');
    const id = w.start('permit-review');

    expect(w.taskIds(id)).toEqual(['informAreaOwner', 'reviewPermit']);
    expect(w.active(id)).toContain('permitReview');
    expect(w.trail(id, 'element.terminated')).not.toContain('permitReview');

    w.complete(id, 'informAreaOwner');
    expect(w.state(id)).toBe('active');
    expect(w.taskIds(id)).toEqual(['reviewPermit']);

    w.complete(id, 'reviewPermit');
    expect(w.state(id)).toBe('completed');
    expect(w.completed(id)).toContain('permitReview');
  });
});

describe('boundary error event on a service task', () => {
  it('given an error boundary on a service task, when the worker throws that error code, then the job is gone and the boundary path is taken', async () => {
    const w = await given('boundary-error-service-task');
    const id = w.start('automated-gas-test');
    const job = w.job(id, 'gas-analysis');

    ok(w.engine.throwError(job.key, 'SENSOR_FAULT', { errorMessage: 'sensor 3 offline' }));

    expect(w.jobs(id)).toEqual([]);
    expect(w.taskIds(id)).toEqual(['manualGasTest']);
    expect(w.active(id)).toEqual(['manualGasTest']);
    expect(w.trail(id, 'element.terminated')).toContain('analyseGas');
    expect(w.completed(id)).toContain('sensorFault');
  });

  it('given an error boundary for another code, when the worker throws an uncaught code, then the instance is in incident', async () => {
    const w = await given('boundary-error-service-task');
    const id = w.start('automated-gas-test');
    const job = w.job(id, 'gas-analysis');

    ok(w.engine.throwError(job.key, 'CALIBRATION_EXPIRED'));

    expect(w.state(id)).toBe('incident');
    expect(w.incidents(id)).toHaveLength(1);
    expect(w.taskIds(id)).toEqual([]);
  });

  it('given an error boundary on a service task, when the job completes normally, then the normal flow continues', async () => {
    const w = await given('boundary-error-service-task');
    const id = w.start('automated-gas-test');

    w.completeJob(id, 'gas-analysis', { lel: 0 });

    expect(w.taskIds(id)).toEqual(['approveEntry']);
    expect(w.vars(id)).toMatchObject({ lel: 0 });
  });
});

describe('boundary escalation event on a sub-process', () => {
  it('given a non-interrupting escalation boundary, when an intermediate escalation throw event inside is passed, then both the boundary path and the inner path run', async () => {
    const w = await given('boundary-escalation-subprocess');
    const id = w.start('cold-work');

    w.complete(id, 'prepareArea');

    expect(w.taskIds(id)).toEqual(['assignFireWatch', 'grindFlange']);
    expect(w.trail(id, 'escalation.thrown')).toEqual(['requestFireWatch']);

    w.complete(id, 'grindFlange');
    expect(w.state(id)).toBe('active');
    w.complete(id, 'assignFireWatch');
    expect(w.state(id)).toBe('completed');
  });
});
