import { EngineCommandError } from './engine-error.js';
import type { Run } from './run.js';

/** Longest assignee accepted (a user name or id; the runtime's user names are shorter). */
const MAX_ASSIGNEE = 256;

/**
 * Claims, unclaims or reassigns an open user task. It is an event, not a field update, so the audit
 * record shows who held a permit step when (hand-overs are where responsibility chains break).
 */
export function assignTask(run: Run, taskId: string, assignee: string | null): void {
  const task = run.state.tasks[taskId];
  if (!task)
    throw new EngineCommandError(
      'TASK_NOT_ACTIVE',
      `task '${taskId}' is not open (already completed or cancelled)`,
    );
  if (assignee !== null && (typeof assignee !== 'string' || assignee.trim() === ''))
    throw new EngineCommandError('INVALID_ARGUMENT', 'assignee must be a non-empty string or null');
  if (assignee !== null && assignee.length > MAX_ASSIGNEE)
    throw new EngineCommandError(
      'INVALID_ARGUMENT',
      `assignee must not be longer than ${MAX_ASSIGNEE} characters`,
    );
  run.emit(
    'task.assigned',
    { elementId: task.elementId, key: task.key },
    { taskId, assignee, previous: task.assignee ?? null },
  );
}
