import { isWorkableBy } from '../tasks/task-access.js';
import { groupRoom, roleRoom, userRoom, type LiveViewer } from './live-viewer.js';

/** The fields of a user task that decide who may see it live, and what its events carry. */
export interface TaskFacts {
  id: string;
  instanceId: string;
  elementId: string;
  name: string | null;
  assignee: string | null;
  /** Candidate roles and candidate groups, merged (as the REST task list shows them). */
  candidateRoles: string[];
  candidateGroups: string[];
  candidateUsers: string[];
  formKey: string | null;
}

/** The engine's task shape (task.created payload, open task views): what `TaskFacts` are read from. */
export interface EngineTaskLike {
  id: string;
  elementId: string;
  name?: string;
  assignee?: string;
  candidateRoles: string[];
  candidateGroups: string[];
  candidateUsers?: string[];
  formKey?: string;
}

export function taskFacts(instanceId: string, t: EngineTaskLike): TaskFacts {
  const groups = [...(t.candidateGroups ?? [])];
  return {
    id: t.id,
    instanceId,
    elementId: t.elementId,
    name: t.name ?? null,
    assignee: t.assignee ?? null,
    candidateRoles: [...new Set([...(t.candidateRoles ?? []), ...groups])],
    candidateGroups: groups,
    candidateUsers: [...(t.candidateUsers ?? [])],
    formKey: t.formKey ?? null,
  };
}

type Audience = Pick<
  TaskFacts,
  'assignee' | 'candidateRoles' | 'candidateGroups' | 'candidateUsers'
>;

/**
 * The rooms (besides the overseers') a task's events go to — the room form of the task module's
 * `isWorkableBy`: an assigned task is its assignee's alone; an unassigned one is offered to its
 * candidate roles (by role), groups (by group) and users (by name).
 */
export function taskRooms(t: Audience): string[] {
  if (t.assignee) return [userRoom(t.assignee)];
  return [
    ...t.candidateRoles.map(roleRoom),
    ...t.candidateGroups.map(groupRoom),
    ...t.candidateUsers.map(userRoom),
  ];
}

/** Whether a viewer may see a task (where there is no room to test): the task module's rule. */
export function viewerSeesTask(viewer: LiveViewer, t: Audience): boolean {
  return viewer.overseer || isWorkableBy(t, viewer);
}
