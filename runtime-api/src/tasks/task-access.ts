import { ConflictException, ForbiddenException } from '@nestjs/common';
import type { AuthedRequest } from '../auth/roles.js';

/** Who is asking, as far as task rules go. */
export interface TaskViewer {
  username: string;
  roles: string[];
  /** Groups from the token (`groups` claim); none when the token has no such claim. */
  groups: string[];
}

/** The fields of a task the rules look at (a stored row's parsed lists, or an engine view). */
export interface TaskAudience {
  assignee?: string | null;
  candidateRoles: string[];
  candidateGroups: string[];
  candidateUsers: string[];
  completedBy?: string | null;
}

/** Roles that read every task; a user with none of them (a worker) reads only its own. */
const READ_ALL = new Set(['admin', 'safety-officer', 'manager', 'auditor', 'integrator']);
/** Roles that act (claim, complete, comment, attach) on any task, not only their own. */
const ACT_ON_ANY = new Set(['admin', 'safety-officer', 'manager', 'integrator']);
/** Roles that may complete a task held by someone else. */
const OVERRIDE_COMPLETE = new Set(['admin', 'manager']);
/** Roles that may take a task back from whoever holds it (unclaim) and hand tasks out (assign). */
const SUPERVISE = new Set(['admin', 'safety-officer', 'manager']);

export function viewerOf(req: AuthedRequest): TaskViewer {
  const p = req.user;
  return { username: p?.username ?? 'system', roles: p?.roles ?? [], groups: p?.groups ?? [] };
}

/** The audience of a task as the engine sees it (candidate roles and groups together, as stored). */
export function audienceOfView(t: {
  assignee?: string;
  candidateRoles: string[];
  candidateGroups: string[];
  candidateUsers: string[];
}): TaskAudience {
  return {
    assignee: t.assignee ?? null,
    candidateRoles: [...t.candidateRoles, ...t.candidateGroups],
    candidateGroups: t.candidateGroups,
    candidateUsers: t.candidateUsers,
  };
}

const hasAny = (roles: string[], set: Set<string>) => roles.some((r) => set.has(r));

/** True for a worker-only user: what it reads is limited to tasks it may work on. */
export const readsOwnOnly = (v: TaskViewer) => !hasAny(v.roles, READ_ALL);
/** True for a worker-only user: it claims and completes only tasks it may work on. */
export const actsOnOwnOnly = (v: TaskViewer) => !hasAny(v.roles, ACT_ON_ANY);
export const mayOverrideAssignee = (v: TaskViewer) => hasAny(v.roles, OVERRIDE_COMPLETE);
export const supervises = (v: TaskViewer) => hasAny(v.roles, SUPERVISE);

/**
 * Whether `v` is meant to work on `t`: it holds it, or it is unassigned and `v` is among its
 * candidates (one of its roles among the candidate roles, one of its groups among the candidate
 * groups, or its name among the candidate users). A worker also keeps seeing a task it completed.
 */
export function isWorkableBy(t: TaskAudience, v: TaskViewer): boolean {
  if (t.completedBy && t.completedBy === v.username) return true;
  if (t.assignee) return t.assignee === v.username;
  return (
    v.roles.some((r) => t.candidateRoles.includes(r)) ||
    v.groups.some((g) => t.candidateGroups.includes(g)) ||
    t.candidateUsers.includes(v.username)
  );
}

/**
 * 403 (not 404) for a task a worker may not see: task ids are instance ids plus a counter and
 * instances are readable by every role, so hiding that the task exists would protect nothing.
 */
export function assertVisible(taskId: string, t: TaskAudience, v: TaskViewer): void {
  if (readsOwnOnly(v) && !isWorkableBy(t, v))
    throw new ForbiddenException({
      statusCode: 403,
      code: 'TASK_NOT_YOURS',
      message: `task '${taskId}' is neither assigned to you nor offered to one of your roles or groups`,
    });
}

/** A worker-only user may act only on tasks it holds or is a candidate for. */
export function assertWorkable(taskId: string, t: TaskAudience, v: TaskViewer): void {
  if (actsOnOwnOnly(v) && !isWorkableBy(t, v))
    throw new ForbiddenException({
      statusCode: 403,
      code: 'TASK_NOT_YOURS',
      message: `task '${taskId}' is neither assigned to you nor offered to one of your roles or groups`,
    });
}

export function heldByOther(taskId: string, assignee: string): ConflictException {
  return new ConflictException({
    statusCode: 409,
    code: 'TASK_ASSIGNED_TO_OTHER',
    message: `task '${taskId}' is assigned to '${assignee}'`,
  });
}

export function notOpen(taskId: string, state: string): ConflictException {
  return new ConflictException({
    statusCode: 409,
    code: 'TASK_NOT_ACTIVE',
    message: `task '${taskId}' is not open (it is ${state})`,
  });
}
