/**
 * Scenario test of the routine inspection template (巡检): a sequential walk over the checkpoints,
 * then a closed-loop rectification of every hazard found, in a real Engine with an injected clock.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '@safeflow/engine';

const xml = readFileSync(new URL('./process.bpmn', import.meta.url), 'utf8');
const DAY = 24 * 3_600_000;

const checkpoints = [
  { id: 'CP-01', name: 'Fire pump house', items: ['pump pressure', 'hydrant valves'] },
  { id: 'CP-02', name: 'Tank farm dike', items: ['dike drain closed', 'no leaks'] },
  { id: 'CP-03', name: 'Gas detector GD-17', items: ['reading', 'alarm test'] },
];

let now: number;
let engine: Engine;

beforeEach(async () => {
  now = Date.UTC(2026, 10, 23, 8, 0);
  engine = new Engine({ clock: () => now });
  const deployed = await engine.deploy([{ name: 'process.bpmn', content: xml }]);
  expect(deployed.processes.map((p) => p.id)).toEqual(['routine_inspection']);
});

function start(variables: Record<string, unknown>): string {
  const r = engine.start('routine_inspection', { variables });
  if (!r.ok) throw new Error(r.error.message);
  return r.instanceId;
}

const open = (instanceId: string) => engine.openTasks({ instanceId });

function completeOne(instanceId: string, elementId: string, variables: Record<string, unknown>) {
  const tasks = open(instanceId).filter((t) => t.elementId === elementId);
  expect(tasks.length).toBeGreaterThan(0);
  const task = tasks[0]!;
  now += 10 * 60_000;
  expect(engine.completeTask(task.id, variables).ok).toBe(true);
  return task;
}

/** Walks the round; `verdicts` maps a checkpoint id to its finding (absent = OK). */
function walk(instanceId: string, verdicts: Record<string, string> = {}): void {
  for (const cp of checkpoints) {
    const [task] = open(instanceId);
    expect(task?.elementId).toBe('inspectCheckpoint');
    expect(task?.variables.checkpoint).toEqual(cp);
    const finding = verdicts[cp.id];
    completeOne(
      instanceId,
      'inspectCheckpoint',
      finding === undefined ? { ok: true } : { ok: false, finding },
    );
  }
}

function endedAt(instanceId: string): string[] {
  return engine
    .getEvents(instanceId)
    .filter((e) => e.type === 'element.completed')
    .flatMap((e) => (e.elementId === undefined ? [] : [e.elementId]));
}

describe('routine-inspection template', () => {
  it('a clean round closes with every checkpoint recorded', () => {
    const id = start({ checkpoints, inspector: 'wang.fang' });
    walk(id);
    const view = engine.getInstance(id)!;
    expect(view.state).toBe('completed');
    expect(endedAt(id)).toContain('roundClean');
    expect(endedAt(id)).not.toContain('rectification');
    const results = view.variables.results as Array<Record<string, unknown>>;
    expect(results.map((r) => [(r.checkpoint as { id: string }).id, r.ok])).toEqual([
      ['CP-01', true],
      ['CP-02', true],
      ['CP-03', true],
    ]);
    // one checkpoint's answers never leak into the next one's record
    expect(results.every((r) => r.finding === null)).toBe(true);
  });

  it('hazards found go round the rectification loop until verified fixed', () => {
    const id = start({ checkpoints });
    walk(id, { 'CP-02': 'dike drain valve left open', 'CP-03': 'detector alarm does not sound' });
    expect(endedAt(id)).not.toContain('roundClean');

    // one closed loop per hazard, in parallel
    const assigns = open(id).filter((t) => t.elementId === 'assignRectification');
    expect(assigns.map((t) => (t.variables.hazard as { finding: string }).finding)).toEqual([
      'dike drain valve left open',
      'detector alarm does not sound',
    ]);
    expect(assigns.every((t) => t.candidateGroups.includes('safety-officer'))).toBe(true);
    const deadline = new Date(now + 2 * DAY).toISOString();
    completeOne(id, 'assignRectification', {
      grade: 'general',
      responsible: 'zhao.lei',
      deadline,
    });
    completeOne(id, 'assignRectification', {
      grade: 'general',
      responsible: 'chen.jie',
      deadline,
    });

    const rectify = open(id).filter((t) => t.elementId === 'rectify');
    expect(rectify.map((t) => t.assignee).sort()).toEqual(['chen.jie', 'zhao.lei']);
    for (const t of rectify) {
      now += 3_600_000;
      engine.completeTask(t.id, { measuresTaken: `fixed by ${t.assignee}` });
    }

    // the first verification fails: back to rectify for that hazard only
    const verifications = open(id).filter((t) => t.elementId === 'verifyRectification');
    expect(verifications).toHaveLength(2);
    engine.completeTask(verifications[0]!.id, { fixed: false });
    engine.completeTask(verifications[1]!.id, { fixed: true });
    const again = open(id);
    expect(again.map((t) => t.elementId)).toEqual(['rectify']);
    expect(engine.getInstance(id)!.state).toBe('active');

    engine.completeTask(again[0]!.id, { measuresTaken: 'replaced the valve' });
    completeOne(id, 'verifyRectification', { fixed: true });

    const view = engine.getInstance(id)!;
    expect(view.state).toBe('completed');
    expect(endedAt(id)).toContain('roundClosed');
    const rectified = view.variables.rectified as Array<Record<string, unknown>>;
    expect(rectified.map((r) => [r.finding, r.responsible, r.rounds])).toEqual([
      ['dike drain valve left open', 'zhao.lei', 2],
      ['detector alarm does not sound', 'chen.jie', 1],
    ]);
    expect(rectified[0]!.measuresTaken).toBe('replaced the valve');
  });

  it('the daily timer starts a round that is planned first when no checkpoints are given', () => {
    const due = engine.nextTimerDue();
    expect(due).toBe(now + DAY);
    now = due!;
    engine.fireDueTimers(now);
    const [round] = engine.listInstances({ processId: 'routine_inspection' });
    expect(round).toBeDefined();
    const id = round!.id;
    const plan = completeOne(id, 'planRound', { checkpoints });
    expect(plan.formKey).toBe('plan-round.schema.json');
    walk(id, { 'CP-01': 'hydrant valve seized' });
    expect(open(id).map((t) => t.elementId)).toEqual(['assignRectification']);
    // the next round is scheduled a day later
    expect(engine.nextTimerDue()).toBe(due! + DAY);
  });
});
