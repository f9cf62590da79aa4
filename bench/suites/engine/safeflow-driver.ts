/** SafeFlow's Engine on the Camunda-8 flavoured permit model: user tasks and zeebe jobs completed by the host. */
import { Engine } from '@safeflow/engine';
import type { InstanceDriver } from './driver.js';
import {
  emptyStats,
  FIRST_TASK_ID,
  levelFor,
  PROCESS_ID,
  SERVICE_RESULT,
  SPECIAL_TASK_ID,
  TASK_RESULT,
  type WorkStats,
  verifyStats,
} from './permit-model.js';

/** The engine never reads real time; the bench gives it a fixed clock. */
const FIXED_NOW = Date.UTC(2025, 0, 1);
/** Rounds of "complete open tasks, then activatable jobs" after which an instance counts as stuck. */
const MAX_ROUNDS = 100;

interface Counters {
  completedInstances: number;
  firstTasksCreated: number;
}

async function createEngine(xml: string, counters: Counters): Promise<Engine> {
  const engine = new Engine({
    clock: () => FIXED_NOW,
    retainFinishedInstances: false,
    onEvents: (events) => {
      for (const e of events) {
        if (e.type === 'instance.completed') counters.completedInstances++;
        else if (e.type === 'task.created' && e.elementId === FIRST_TASK_ID)
          counters.firstTasksCreated++;
      }
    },
  });
  const deployment = await engine.deploy([{ name: 'permit.bpmn', content: xml }]);
  if (!deployment.processes.some((p) => p.id === PROCESS_ID)) {
    throw new Error(`SafeFlow: deployment did not contain process ${PROCESS_ID}`);
  }
  return engine;
}

function failed(what: string, error: { code: string; message: string }): Error {
  return new Error(`SafeFlow: ${what} failed: ${error.code} ${error.message}`);
}

/** Starts instance `index` and completes its user tasks and jobs, round by round, until it has none left. */
function driveInstance(engine: Engine, index: number, stats: WorkStats): void {
  const level = levelFor(index);
  const started = engine.start(PROCESS_ID, { variables: { level } });
  if (!started.ok) throw failed('start', started.error);
  stats.started++;
  if (level === 'special') stats.specialStarted++;
  const instanceId = started.instanceId;

  for (let round = 0; ; round++) {
    let progressed = false;
    for (const task of engine.openTasks({ instanceId })) {
      const r = engine.completeTask(task.id, TASK_RESULT);
      if (!r.ok) throw failed(`completeTask(${task.elementId})`, r.error);
      stats.userTasks++;
      if (task.elementId === SPECIAL_TASK_ID) stats.specialApprovals++;
      progressed = true;
    }
    for (const job of engine.activatableJobs({ instanceId })) {
      const r = engine.completeJob(job.key, SERVICE_RESULT);
      if (!r.ok) throw failed(`completeJob(${job.elementId})`, r.error);
      stats.serviceCalls++;
      progressed = true;
    }
    if (!progressed) break;
    if (round >= MAX_ROUNDS)
      throw new Error(`SafeFlow: instance ${instanceId} still has work after ${MAX_ROUNDS} rounds`);
  }
  const view = engine.getInstance(instanceId);
  if (view !== undefined && view.state !== 'completed') {
    throw new Error(
      `SafeFlow: instance ${instanceId} (level ${level}) has no open tasks or jobs but is ${view.state} at [${view.activeElementIds.join(', ')}]`,
    );
  }
}

export async function createSafeFlowDriver(xml: string): Promise<InstanceDriver> {
  const counters: Counters = { completedInstances: 0, firstTasksCreated: 0 };
  const engine = await createEngine(xml, counters);
  let stats: WorkStats = emptyStats();
  let completedAtReset = 0;

  return {
    name: 'SafeFlow Engine',
    get stats() {
      return stats;
    },
    runOne(index) {
      driveInstance(engine, index, stats);
      // Ended instances are counted from the engine's own 'instance.completed' events.
      stats.ended = counters.completedInstances - completedAtReset;
    },
    resetStats() {
      stats = emptyStats();
      completedAtReset = counters.completedInstances;
    },
  };
}

/** Memory probe: one engine; a few instances run to their end first (warm caches), then instances are parked at the first user task. */
export async function createSafeFlowParker(xml: string): Promise<{
  warmUp(): void;
  park(count: number): { parked: number; keepAlive: unknown };
}> {
  const counters: Counters = { completedInstances: 0, firstTasksCreated: 0 };
  const engine = await createEngine(xml, counters);
  return {
    warmUp() {
      const stats = emptyStats();
      for (let i = 0; i < 4; i++) driveInstance(engine, i, stats);
      stats.ended = counters.completedInstances;
      verifyStats('SafeFlow Engine', 'memory warm-up', stats);
    },
    park(count) {
      const before = counters.firstTasksCreated;
      let lastId = '';
      for (let i = 0; i < count; i++) {
        const r = engine.start(PROCESS_ID, { variables: { level: levelFor(i) } });
        if (!r.ok) throw failed('start', r.error);
        lastId = r.instanceId;
      }
      const view = engine.getInstance(lastId);
      if (view?.state !== 'active' || !view.activeElementIds.includes(FIRST_TASK_ID)) {
        throw new Error(
          `SafeFlow: last parked instance is not waiting at ${FIRST_TASK_ID}: ${JSON.stringify(view)}`,
        );
      }
      return { parked: counters.firstTasksCreated - before, keepAlive: engine };
    },
  };
}
