/**
 * The reference point of the API bench: the same sign-off flow on the bare in-memory engine, in this
 * thread, one flow after another (start → find the open task → complete it). No peer server runs
 * offline, so this prices what the service adds: HTTP, auth, validation, the database, the audit
 * chain.
 */
import { randomUUID } from 'node:crypto';
import { Engine } from '@safeflow/engine';
import { runFor, type PhaseResult } from '../../lib/measure.js';
import {
  APPROVAL_PROCESS,
  APPROVAL_XML,
  SIGNOFF_TASK,
  SIGNOFF_VARIABLES,
  START_VARIABLES,
} from './approval-flow.js';

export interface EngineReference {
  flows: PhaseResult;
  /** Mean time of one `start`, µs (the flows of the timed run). */
  startMicros: number;
  /** Mean time of one `completeTask`, µs. */
  completeMicros: number;
}

function micros(fromNs: bigint): number {
  return Number(process.hrtime.bigint() - fromNs) / 1000;
}

export async function measureEngineReference(
  warmUpMs: number,
  timedMs: number,
): Promise<EngineReference> {
  let completed = 0;
  // As the service hosts it: real clock, UUID instance ids; finished instances are not kept.
  const engine = new Engine({
    clock: () => Date.now(),
    newInstanceId: () => randomUUID(),
    retainFinishedInstances: false,
    onEvents: (events) => {
      for (const e of events) if (e.type === 'instance.completed') completed++;
    },
  });
  await engine.deploy([{ name: `${APPROVAL_PROCESS}.bpmn`, content: APPROVAL_XML }]);

  let startTotal = 0;
  let completeTotal = 0;
  const flow = () => {
    const t0 = process.hrtime.bigint();
    const started = engine.start(APPROVAL_PROCESS, { variables: START_VARIABLES });
    startTotal += micros(t0);
    if (!started.ok) throw new Error(`engine start failed: ${started.error.message}`);
    const [task] = engine.openTasks({ instanceId: started.instanceId });
    if (task?.elementId !== SIGNOFF_TASK)
      throw new Error(`engine: no ${SIGNOFF_TASK} task after start`);
    const t1 = process.hrtime.bigint();
    const done = engine.completeTask(task.id, SIGNOFF_VARIABLES);
    completeTotal += micros(t1);
    if (!done.ok) throw new Error(`engine completeTask failed: ${done.error.message}`);
  };

  await runFor(flow, warmUpMs);
  const before = completed;
  startTotal = 0;
  completeTotal = 0;
  const flows = await runFor(flow, timedMs);
  if (completed - before !== flows.count)
    throw new Error(`engine: ${flows.count} flows run but ${completed - before} instances ended`);
  return {
    flows,
    startMicros: startTotal / flows.count,
    completeMicros: completeTotal / flows.count,
  };
}
