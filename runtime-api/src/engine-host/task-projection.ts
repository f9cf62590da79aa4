import type { EngineEvent, InstanceState, UserTaskView } from '@safeflow/engine';
import { In, type EntityManager } from 'typeorm';
import { TaskRecordEntity, type TaskRecordRow } from '../persistence/task-entities.js';

/** The parts of a task row that follow the engine's task (everything but id and history). */
type TaskFields = Omit<TaskRecordRow, 'id' | 'state' | 'completedAt' | 'completedBy'>;

/** The task as the engine knows it (an open task's view, or the state carried by task.created). */
interface TaskLike {
  id: string;
  elementId: string;
  name?: string;
  assignee?: string;
  candidateGroups: string[];
  candidateUsers: string[];
  candidateRoles: string[];
  formKey?: string;
  formId?: string;
  due?: string;
  priority?: number;
  createdAt: number;
}

/** Column widths: model expressions can produce any length, PostgreSQL refuses what does not fit. */
const clip = (v: string | undefined, max: number): string | null =>
  v === undefined || v === null ? null : String(v).slice(0, max);

function fieldsOf(instanceId: string, processKey: string, t: TaskLike): TaskFields {
  return {
    instanceId,
    processKey: clip(processKey, 256),
    elementId: t.elementId,
    name: clip(t.name, 512),
    assignee: clip(t.assignee, 256),
    // Roles and groups together, as before: templates name roles as candidate groups.
    candidateRoles: JSON.stringify([...new Set([...t.candidateRoles, ...t.candidateGroups])]),
    candidateGroups: JSON.stringify([...new Set(t.candidateGroups)]),
    candidateUsers: JSON.stringify([...new Set(t.candidateUsers)]),
    formKey: clip(t.formKey, 512),
    formId: clip(t.formId, 512),
    due: clip(t.due, 128),
    priority:
      typeof t.priority === 'number' && Number.isFinite(t.priority) ? Math.trunc(t.priority) : null,
    createdAt: t.createdAt,
  };
}

const MUTABLE: Array<keyof TaskFields> = [
  'processKey',
  'name',
  'assignee',
  'candidateRoles',
  'candidateGroups',
  'candidateUsers',
  'formKey',
  'formId',
  'due',
  'priority',
];

/**
 * Keeps `user_task` in step with one instance inside the command's transaction. Open tasks are
 * inserted or updated from the engine's views (assignments, a migration to another version); a
 * task that closed (task.completed / task.cancelled) keeps its row as history with the time and
 * the actor of the command that closed it. An open row whose task vanished without such an event
 * is closed as cancelled, so the open list never shows a task the engine no longer has.
 */
export async function projectTasks(
  m: EntityManager,
  instanceId: string,
  events: EngineEvent[],
  state: InstanceState,
  tasks: UserTaskView[],
  actor: string,
  now: number,
): Promise<void> {
  const created = new Map<string, TaskLike>();
  const closed = new Map<string, { state: 'completed' | 'cancelled'; at: number }>();
  for (const e of events) {
    const p = (e.payload ?? {}) as { task?: TaskLike; taskId?: string };
    if (e.type === 'task.created' && p.task?.id) created.set(p.task.id, p.task);
    else if ((e.type === 'task.completed' || e.type === 'task.cancelled') && p.taskId)
      closed.set(p.taskId, {
        state: e.type === 'task.completed' ? 'completed' : 'cancelled',
        at: e.at,
      });
  }
  const repo = m.getRepository(TaskRecordEntity);
  const stored = new Map(
    (await repo.findBy({ instanceId, state: 'open' })).map((r) => [r.id, r] as const),
  );
  if (stored.size === 0 && tasks.length === 0 && closed.size === 0) return;

  const open = new Set<string>();
  for (const t of tasks) {
    open.add(t.id);
    const fields = fieldsOf(instanceId, state.processKey, t);
    const row = stored.get(t.id);
    if (!row) {
      await repo.insert({
        id: t.id,
        ...fields,
        state: 'open',
        completedAt: null,
        completedBy: null,
      });
      continue;
    }
    const changed: Partial<TaskFields> = {};
    for (const k of MUTABLE) if (row[k] !== fields[k]) Object.assign(changed, { [k]: fields[k] });
    if (Object.keys(changed).length > 0) await repo.update({ id: t.id }, changed);
  }

  for (const row of stored.values()) {
    if (open.has(row.id)) continue;
    const end = closed.get(row.id);
    await repo.update(
      { id: row.id },
      {
        state: end?.state ?? 'cancelled',
        completedAt: end?.at ?? now,
        completedBy: clip(actor, 128),
      },
    );
  }

  // Opened and closed within this one command: never stored open, recorded as history directly.
  const unseen = [...closed.keys()].filter((id) => !stored.has(id) && !open.has(id));
  if (unseen.length === 0) return;
  const known = new Set(
    (await repo.find({ select: { id: true }, where: { id: In(unseen) } })).map((r) => r.id),
  );
  for (const id of unseen) {
    const t = created.get(id);
    const end = closed.get(id)!;
    if (!t || known.has(id)) continue;
    await repo.insert({
      id,
      ...fieldsOf(instanceId, state.processKey, t),
      state: end.state,
      completedAt: end.at,
      completedBy: clip(actor, 128),
    });
  }
}
