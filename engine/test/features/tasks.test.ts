import { describe, expect, it } from 'vitest';

import { SECOND, given, ok, refusal } from './harness.js';

describe('user task', () => {
  it('given assignment and form extensions, when the task opens, then openTasks shows the FEEL assignee, the candidate groups and the form key', async () => {
    const w = await given('user-task-assignment');
    const id = w.start('hot-work-approval', { requester: 'alice', area: 'tank farm' });

    const task = w.task(id, 'approveHotWork');

    expect(task.instanceId).toBe(id);
    expect(task.processId).toBe('hot-work-approval');
    expect(task.assignee).toBe('alice');
    expect(task.candidateGroups).toEqual(['safety-officers', 'area-supervisors']);
    expect(task.formKey).toBe('hot-work-permit-form');
    expect(task.variables).toMatchObject({ requester: 'alice', area: 'tank farm' });
    expect(task.createdAt).toBe(w.now);
    expect(w.trail(id, 'task.created')).toEqual(['approveHotWork']);
  });

  it('given an open user task, when it is completed with variables, then they are set on the instance and the instance completes', async () => {
    const w = await given('user-task-assignment');
    const id = w.start('hot-work-approval', { requester: 'alice' });

    w.complete(id, 'approveHotWork', { approved: true, approvedBy: 'bob' });

    expect(w.state(id)).toBe('completed');
    expect(w.vars(id)).toEqual({ requester: 'alice', approved: true, approvedBy: 'bob' });
    expect(w.tasks(id)).toEqual([]);
    expect(w.trail(id, 'task.completed')).toEqual(['approveHotWork']);
  });

  it('given a completed user task, when it is completed again, then the command is refused with TASK_NOT_ACTIVE and nothing changes', async () => {
    const w = await given('user-task-assignment');
    const id = w.start('hot-work-approval', { requester: 'alice' });
    const task = w.task(id, 'approveHotWork');
    ok(w.engine.completeTask(task.id, { approved: true }));
    const logLength = w.events(id).length;

    expect(refusal(w.engine.completeTask(task.id, { approved: false }))).toBe('TASK_NOT_ACTIVE');

    expect(w.events(id)).toHaveLength(logLength);
    expect(w.vars(id)).toMatchObject({ approved: true });
  });
});

describe('manual task and plain task', () => {
  it('given a manual task and an undefined task, when the instance starts, then both pass straight through', async () => {
    const w = await given('manual-and-plain-task');

    const id = w.start('barrier-setup');

    expect(w.state(id)).toBe('completed');
    expect(w.completed(id)).toEqual([
      'setupStarted',
      'postBarrierSigns',
      'logBarrier',
      'barrierInPlace',
    ]);
    expect(w.tasks(id)).toEqual([]);
    expect(w.jobs(id)).toEqual([]);
  });
});

describe('service task', () => {
  it('given a service task, when it is reached, then an activatable job carries type, headers, retries and the visible variables', async () => {
    const w = await given('service-task-job');
    const id = w.start('remote-gas-test', { area: 'pump room' });

    const job = w.job(id, 'gas-analysis');

    expect(job.elementId).toBe('analyseGas');
    expect(job.instanceId).toBe(id);
    expect(job.headers).toEqual({ sensor: 'multi-gas-4' });
    expect(job.retries).toBe(3);
    expect(job.variables).toMatchObject({ area: 'pump room' });
    expect(job.idempotencyKey).toEqual(expect.any(String));
    expect(w.active(id)).toEqual(['analyseGas']);
    expect(w.trail(id, 'job.created')).toEqual(['analyseGas']);
  });

  it('given an activatable job, when it is completed with variables, then they are set and the instance completes', async () => {
    const w = await given('service-task-job');
    const id = w.start('remote-gas-test', { area: 'pump room' });

    w.completeJob(id, 'gas-analysis', { o2: 20.9, lel: 0 });

    expect(w.state(id)).toBe('completed');
    expect(w.vars(id)).toEqual({ area: 'pump room', o2: 20.9, lel: 0 });
    expect(w.jobs(id)).toEqual([]);
    expect(w.trail(id, 'job.completed')).toEqual(['analyseGas']);
  });

  it('given a completed job, when it is completed again, then the command is refused', async () => {
    const w = await given('service-task-job');
    const id = w.start('remote-gas-test');
    const job = w.job(id, 'gas-analysis');
    ok(w.engine.completeJob(job.key));

    expect(['JOB_NOT_ACTIVE', 'JOB_NOT_FOUND']).toContain(refusal(w.engine.completeJob(job.key)));
  });

  it('given a job, when it fails with retries left and a back-off, then it is activatable again after the back-off with fewer retries and the same idempotency key', async () => {
    const w = await given('service-task-fail-with-backoff');
    const id = w.start('permit-register-sync');
    const job = w.job(id, 'permit-register-sync');
    const failedAt = w.now;

    ok(
      w.engine.failJob(job.key, {
        retries: 2,
        errorMessage: 'register offline',
        retryBackoffMs: 30 * SECOND,
      }),
    );

    expect(w.state(id)).toBe('active');
    expect(w.incidents(id)).toEqual([]);
    expect(w.trail(id, 'job.failed')).toEqual(['syncRegister']);
    expect(w.jobs(id)).toEqual([]);
    w.advance(30 * SECOND - 1);
    expect(w.jobs(id), 'still backing off 1 ms before notBefore').toEqual([]);

    w.advance(1);
    const again = w.job(id, 'permit-register-sync');
    expect(again.retries).toBe(2);
    expect(again.notBefore).toBe(failedAt + 30 * SECOND);
    expect(again.idempotencyKey).toBe(job.idempotencyKey);

    ok(w.engine.completeJob(again.key, { synced: true }));
    expect(w.state(id)).toBe('completed');
  });

  it('given a job, when it fails with no retries left, then an incident is raised and the job is no longer activatable', async () => {
    const w = await given('service-task-fail-to-incident');
    const id = w.start('lockout-registry');
    const job = w.job(id, 'lockout-record');

    ok(w.engine.failJob(job.key, { retries: 0, errorMessage: 'registry rejected the lockout id' }));

    expect(w.state(id)).toBe('incident');
    expect(w.jobs(id)).toEqual([]);
    const [incident] = w.incidents(id);
    expect(incident).toMatchObject({ instanceId: id, elementId: 'recordLockout', jobKey: job.key });
    expect(incident!.message).toContain('registry rejected the lockout id');
    expect(w.trail(id, 'incident.raised')).toEqual(['recordLockout']);
  });

  it('given a job incident, when the job gets new retries and the incident is resolved, then the job is activatable again and can complete', async () => {
    const w = await given('service-task-fail-to-incident');
    const id = w.start('lockout-registry');
    const job = w.job(id, 'lockout-record');
    ok(w.engine.failJob(job.key, { retries: 0 }));
    const [incident] = w.incidents(id);

    ok(w.engine.updateJobRetries(job.key, 2));
    ok(w.engine.resolveIncident(incident!.id));

    expect(w.state(id)).toBe('active');
    expect(w.incidents(id)).toEqual([]);
    const back = w.job(id, 'lockout-record');
    expect(back.retries).toBe(2);
    expect(w.trail(id, 'incident.resolved')).toHaveLength(1);

    ok(w.engine.completeJob(back.key));
    expect(w.state(id)).toBe('completed');
  });
});

describe('send task', () => {
  it('given a send task with a task definition, when it is reached, then a job is created and completing it continues the flow', async () => {
    const w = await given('send-task-job');
    const id = w.start('control-room-notice', { message: 'hot work starting in unit 4' });

    const job = w.job(id, 'control-room-notify');
    expect(job.elementId).toBe('notifyControlRoom');
    expect(job.variables).toMatchObject({ message: 'hot work starting in unit 4' });

    ok(w.engine.completeJob(job.key));
    expect(w.state(id)).toBe('completed');
  });
});

describe('receive task', () => {
  it('given a receive task, when the message is correlated with its key, then the task completes with the message variables', async () => {
    const w = await given('receive-task-message');
    const id = w.start('permit-countersign', { permitId: 'CSE-4' });
    expect(w.active(id)).toEqual(['awaitCountersignature']);
    expect(w.tasks(id)).toEqual([]);

    expect(
      w.correlate('permit-countersigned', 'CSE-4', { countersignedBy: 'area authority' }),
    ).toBe(1);

    expect(w.taskIds(id)).toEqual(['issuePermit']);
    expect(w.vars(id)).toMatchObject({ countersignedBy: 'area authority' });
    expect(w.completed(id)).toContain('awaitCountersignature');
  });
});

describe('business rule task', () => {
  it('given a business rule task with a task definition, when it is reached, then a job is created and its result variables are set', async () => {
    const w = await given('business-rule-task-job');
    const id = w.start('risk-assessment', { hazard: 'hydrogen sulphide' });

    const job = w.job(id, 'risk-matrix');
    expect(job.elementId).toBe('assessRisk');
    expect(job.retries).toBe(2);

    ok(w.engine.completeJob(job.key, { riskLevel: 'high' }));
    expect(w.taskIds(id)).toEqual(['reviewRisk']);
    expect(w.vars(id)).toMatchObject({ riskLevel: 'high' });
  });
});

describe('script task', () => {
  it('given a FEEL script task with a result variable, when it is reached, then the engine evaluates it without a job', async () => {
    const w = await given('script-task');

    const id = w.start('noise-exposure', { a: 2, b: 3 });

    expect(w.vars(id)).toEqual({ a: 2, b: 3, sum: 5 });
    expect(w.jobs(id)).toEqual([]);
    expect(w.taskIds(id)).toEqual(['reviewExposure']);
    expect(w.completed(id)).toContain('sumExposure');
  });
});

describe('input and output mappings', () => {
  it('given input mappings, when the job is created, then the job sees the mapped local variables', async () => {
    const w = await given('io-mapping');
    const id = w.start('mapped-gas-test', { permit: { id: 'CSE-9', area: 'tank farm' } });

    const job = w.job(id, 'gas-analysis');

    expect(job.variables).toMatchObject({ area: 'tank farm', lelLimit: 10 });
  });

  it('given output mappings, when the job completes, then only the outputs reach the parent scope and the locals do not leak', async () => {
    const w = await given('io-mapping');
    const id = w.start('mapped-gas-test', { permit: { id: 'CSE-9', area: 'tank farm' } });

    w.completeJob(id, 'gas-analysis', { reading: 4 });

    expect(w.vars(id)).toEqual({
      permit: { id: 'CSE-9', area: 'tank farm' },
      lastReading: 4,
      gasOk: true,
    });
    expect(w.task(id, 'reviewReading').variables).not.toHaveProperty('area');
  });
});
