/**
 * Scenario test of the hot-work permit template (动火作业, GB 30871-2022 §5): the BPMN of this folder
 * deployed in a real Engine with an injected clock, walked as the roles would walk it.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '@safeflow/engine';

const xml = readFileSync(new URL('./process.bpmn', import.meta.url), 'utf8');
const HOUR = 3_600_000;

let now: number;
let engine: Engine;

beforeEach(async () => {
  now = Date.UTC(2026, 10, 23, 8, 0);
  engine = new Engine({ clock: () => now });
  const deployed = await engine.deploy([{ name: 'process.bpmn', content: xml }]);
  expect(deployed.processes.map((p) => p.id)).toEqual(['hot_work_permit']);
});

function startPermit(permitNo: string): string {
  const r = engine.start('hot_work_permit', {
    variables: { permitNo, requester: 'zhang.wei' },
    businessKey: permitNo,
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.instanceId;
}

/** Completes the one open task of the instance, checking it is the expected step. */
function complete(instanceId: string, elementId: string, variables: Record<string, unknown>) {
  const tasks = engine.openTasks({ instanceId });
  expect(tasks.map((t) => t.elementId)).toEqual([elementId]);
  const task = tasks[0]!;
  now += 5 * 60_000;
  const r = engine.completeTask(task.id, variables);
  expect(r.ok).toBe(true);
  return task;
}

function gasAnalysis(instanceId: string, result: Record<string, unknown>): void {
  const jobs = engine.activatableJobs({ instanceId, type: 'gas-analysis' });
  expect(jobs).toHaveLength(1);
  engine.completeJob(jobs[0]!.key, result);
}

/** JHA and application up to the gas analysis job. */
function applyFor(instanceId: string, level: string, substanceLelPct = 5): void {
  complete(instanceId, 'jha', { jhaHazards: ['fire', 'explosion'], jhaMeasuresAgreed: true });
  const app = complete(instanceId, 'application', {
    level,
    location: 'Unit 2 pipe rack',
    workContent: 'weld a pipe support',
    substance: 'propane',
    substanceLelPct,
    insideOxygenEquipment: false,
    guardian: 'li.na',
  });
  expect(app.formKey).toBe('application.schema.json');
}

const goodGas = { combustiblePct: 0.3, o2Pct: 20.9, sampleAgeMin: 10 };
const measures = { measuresConfirmed: true };

function endedAt(instanceId: string): string[] {
  return engine
    .getEvents(instanceId)
    .filter((e) => e.type === 'element.completed')
    .flatMap((e) => (e.elementId === undefined ? [] : [e.elementId]));
}

describe('hot-work-permit template', () => {
  it('happy path: level 1 permit, gas within limits, guardian, safety officer approves, close-out', () => {
    const id = startPermit('HW-001');
    applyFor(id, 'level-1');
    gasAnalysis(id, goodGas);
    const measuresTask = complete(id, 'safetyMeasures', measures);
    expect(measuresTask.assignee).toBe('li.na');
    const [approval] = engine.openTasks({ instanceId: id });
    expect(approval?.candidateGroups).toEqual(['safety-officer']);
    complete(id, 'approval', { approvalDecision: 'approved', levelConfirmed: true });
    complete(id, 'hotWork', { workFinished: true });
    complete(id, 'closeOut', { siteClear: true, noResidualFire: true });
    const view = engine.getInstance(id)!;
    expect(view.state).toBe('completed');
    expect(endedAt(id)).toContain('permitClosed');
    expect(endedAt(id)).not.toContain('permitExpired');
  });

  it('refuses the permit when the gas analysis is out of limits (§5.3.2)', () => {
    const id = startPermit('HW-002');
    // substance LEL < 4 %: the limit is 0.2 % vol, so 0.3 % fails where it passed above
    applyFor(id, 'level-2', 2.1);
    gasAnalysis(id, goodGas);
    expect(engine.getInstance(id)!.state).toBe('completed');
    expect(endedAt(id)).toContain('refusedGas');
    expect(engine.openTasks({ instanceId: id })).toEqual([]);
  });

  it('refuses a sample older than 30 minutes (§5.3.1)', () => {
    const id = startPermit('HW-003');
    applyFor(id, 'level-1');
    gasAnalysis(id, { ...goodGas, sampleAgeMin: 45 });
    expect(endedAt(id)).toContain('refusedGas');
  });

  it('a gas analysis without a combustible reading stops at an incident, never passes', () => {
    const id = startPermit('HW-010');
    applyFor(id, 'level-1');
    gasAnalysis(id, { o2Pct: 20.9, sampleAgeMin: 5 });
    expect(engine.getInstance(id)!.state).toBe('incident');
    const [incident] = engine.incidents({ instanceId: id });
    expect(incident).toMatchObject({ type: 'CONDITION_ERROR', elementId: 'gasWithinLimits' });
    expect(engine.openTasks({ instanceId: id })).toEqual([]);
    // the analyst supplies the missing reading; the check runs again
    engine.resolveIncident(incident!.id, { variables: { combustiblePct: 0.1 } });
    expect(engine.openTasks({ instanceId: id }).map((t) => t.elementId)).toEqual([
      'safetyMeasures',
    ]);
  });

  it('a special permit needs the special extras (§5.2.11, §5.4) and goes to the manager', () => {
    const missing = startPermit('HW-004');
    applyFor(missing, 'special');
    gasAnalysis(missing, goodGas);
    complete(missing, 'safetyMeasures', { ...measures, writtenPlan: true });
    expect(endedAt(missing)).toContain('refusedMeasures');

    const ok = startPermit('HW-005');
    applyFor(ok, 'special');
    gasAnalysis(ok, goodGas);
    complete(ok, 'safetyMeasures', {
      ...measures,
      writtenPlan: true,
      microPositivePressure: true,
      explosionProofCamera: true,
    });
    const [approval] = engine.openTasks({ instanceId: ok });
    expect(approval?.candidateGroups).toEqual(['manager']);
    complete(ok, 'approval', { approvalDecision: 'rejected', levelConfirmed: true });
    expect(endedAt(ok)).toContain('refusedApproval');
    expect(engine.getInstance(ok)!.state).toBe('completed');
  });

  it('a gas alarm during the work stops it (correlated by permit number)', () => {
    const other = startPermit('HW-006');
    const id = startPermit('HW-007');
    for (const instanceId of [other, id]) {
      applyFor(instanceId, 'level-2');
      gasAnalysis(instanceId, { ...goodGas, combustiblePct: 0.1 });
      complete(instanceId, 'safetyMeasures', measures);
      complete(instanceId, 'approval', { approvalDecision: 'approved', levelConfirmed: true });
    }
    const r = engine.correlateMessage({ name: 'gas-alarm', correlationKey: 'HW-007' });
    expect(r).toMatchObject({ correlated: 1 });
    expect(engine.getInstance(id)!.state).toBe('completed');
    expect(endedAt(id)).toContain('stoppedByGasAlarm');
    expect(engine.openTasks({ instanceId: id })).toEqual([]);
    // the other permit is untouched
    expect(engine.openTasks({ instanceId: other }).map((t) => t.elementId)).toEqual(['hotWork']);
  });

  it('the validity timer expires a level 1 permit after 8 h and a level 2 permit after 72 h (§5.1.5)', () => {
    const l1 = startPermit('HW-008');
    const l2 = startPermit('HW-009');
    const workStarted = new Map<string, number>();
    for (const [instanceId, level] of [
      [l1, 'level-1'],
      [l2, 'level-2'],
    ] as const) {
      applyFor(instanceId, level);
      gasAnalysis(instanceId, goodGas);
      complete(instanceId, 'safetyMeasures', measures);
      complete(instanceId, 'approval', { approvalDecision: 'approved', levelConfirmed: true });
      workStarted.set(instanceId, now);
    }
    const open = (instanceId: string) => engine.openTasks({ instanceId }).map((t) => t.elementId);

    now = workStarted.get(l1)! + 8 * HOUR - 60_000;
    engine.fireDueTimers(now);
    expect(open(l1)).toEqual(['hotWork']);

    now = workStarted.get(l1)! + 8 * HOUR;
    engine.fireDueTimers(now);
    expect(endedAt(l1)).toContain('permitExpired');
    expect(open(l1)).toEqual(['closeOut']);
    expect(open(l2)).toEqual(['hotWork']);

    now = workStarted.get(l2)! + 72 * HOUR - 60_000;
    engine.fireDueTimers(now);
    expect(open(l2)).toEqual(['hotWork']);
    now = workStarted.get(l2)! + 72 * HOUR;
    engine.fireDueTimers(now);
    expect(open(l2)).toEqual(['closeOut']);
    complete(l1, 'closeOut', { siteClear: true, noResidualFire: true });
    expect(engine.getInstance(l1)!.state).toBe('completed');
  });
});
