import type { EngineErrorCode } from '../runtime/engine-error.js';
import { fail, type Failure } from './command-outcome.js';
import type { InstanceTable } from './instance-table.js';

/**
 * Why a task or job id is not open: a worker completing a task someone else already completed
 * must hear "no longer open" (TASK_NOT_ACTIVE / JOB_NOT_ACTIVE), not "never existed". Work item
 * ids are `<instanceId>.<key>` and keys are handed out in order, so a key below the instance's
 * next key was issued once.
 */
export function unknownWorkItem(table: InstanceTable, id: string, what: 'TASK' | 'JOB'): Failure {
  const dot = id.lastIndexOf('.');
  const e = dot > 0 ? table.get(id.slice(0, dot)) : undefined;
  const key = Number(id.slice(dot + 1));
  if (e && Number.isInteger(key) && key < e.state.nextKey) {
    return fail(
      `${what}_NOT_ACTIVE` as EngineErrorCode,
      `${what.toLowerCase()} '${id}' is no longer open`,
    );
  }
  return fail(`${what}_NOT_FOUND` as EngineErrorCode, `no ${what.toLowerCase()} '${id}'`);
}
