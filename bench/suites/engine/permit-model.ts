/** The benchmark model (a hot-work permit) and the work done on each instance, shared by both engines. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (/work/main): this file is bench/suites/engine/permit-model.ts. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The models live next to the repository: ../shared/bench relative to the repository root. */
export const SAFEFLOW_MODEL_PATH = path.resolve(REPO_ROOT, '../shared/bench/permit.bpmn');
export const BPMN_ENGINE_MODEL_PATH = path.resolve(
  REPO_ROOT,
  '../shared/bench/permit.bpmn-engine.bpmn',
);

export const PROCESS_ID = 'bench_hot_work_permit';
/** The user task only on the "special" branch of the exclusive gateway. */
export const SPECIAL_TASK_ID = 'approveSpecial';
/** The first user task: where instances wait in the memory probe. */
export const FIRST_TASK_ID = 'apply';

export type Level = 'special' | 'normal';

/** Instances alternate between the two branches of the exclusive gateway. */
export function levelFor(index: number): Level {
  return index % 2 === 0 ? 'special' : 'normal';
}

/** Variables every user task is completed with (both engines). */
export const TASK_RESULT = Object.freeze({ confirmed: true });
/** Variables every service task / job is completed with (both engines). */
export const SERVICE_RESULT = Object.freeze({ serviceOk: true });

export async function readModel(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read benchmark model ${file}: ${(err as Error).message}`);
  }
}

/** What one engine did in one phase; verified after every phase. */
export interface WorkStats {
  started: number;
  specialStarted: number;
  /** Instances that reached their end (counted from the engine's own completion signal). */
  ended: number;
  userTasks: number;
  specialApprovals: number;
  serviceCalls: number;
}

export function emptyStats(): WorkStats {
  return {
    started: 0,
    specialStarted: 0,
    ended: 0,
    userTasks: 0,
    specialApprovals: 0,
    serviceCalls: 0,
  };
}

/** Throws unless every started instance ended and both gateway branches ran as chosen. */
export function verifyStats(engineName: string, phase: string, s: WorkStats): void {
  const problems: string[] = [];
  if (s.started === 0) problems.push('no instance was started');
  if (s.ended !== s.started)
    problems.push(`${s.started} instances started but ${s.ended} reached their end`);
  if (s.specialApprovals !== s.specialStarted) {
    problems.push(
      `${s.specialStarted} "special" instances but ${s.specialApprovals} "${SPECIAL_TASK_ID}" tasks completed`,
    );
  }
  if (s.started >= 2 && (s.specialStarted === 0 || s.specialStarted === s.started)) {
    problems.push('only one branch of the exclusive gateway ran');
  }
  if (problems.length > 0) {
    throw new Error(`${engineName} ${phase}: ${problems.join('; ')} (${JSON.stringify(s)})`);
  }
}

/** Work per instance that does not depend on the branch mix: [user tasks outside the special branch, service calls]. */
function workPerInstance(s: WorkStats): [number, number] {
  return [(s.userTasks - s.specialApprovals) / s.started, s.serviceCalls / s.started];
}

/** Throws unless both engines did the same work per instance. */
export function verifySameWork(
  a: { name: string; stats: WorkStats },
  b: { name: string; stats: WorkStats },
): void {
  const [ta, ja] = workPerInstance(a.stats);
  const [tb, jb] = workPerInstance(b.stats);
  if (Math.abs(ta - tb) > 1e-9 || Math.abs(ja - jb) > 1e-9) {
    throw new Error(
      `the engines did different work per instance: ${a.name} ${ta} user tasks + ${ja} service calls, ` +
        `${b.name} ${tb} user tasks + ${jb} service calls`,
    );
  }
}

export function describeWork(s: WorkStats): string {
  const tasks = s.userTasks / s.started;
  const jobs = s.serviceCalls / s.started;
  return `${tasks.toFixed(2)} user tasks + ${jobs.toFixed(2)} service tasks per instance`;
}
