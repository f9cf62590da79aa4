import type { EngineEvent } from '@safeflow/engine';
import type { InstanceCommit } from '../engine-host/commit-bus.js';
import { taskFacts, taskRooms, type EngineTaskLike, type TaskFacts } from './task-audience.js';

/** The events a socket receives (server → client). */
export const LIVE_EVENT_NAMES = [
  'task.created',
  'task.assigned',
  'task.completed',
  'task.cancelled',
  'instance.started',
  'instance.updated',
  'instance.completed',
  'instance.terminated',
  'incident.created',
  'incident.resolved',
] as const;
export type LiveEventName = (typeof LIVE_EVENT_NAMES)[number];

/** Step-by-step activity of one instance, for sockets that subscribed to it. */
export const INSTANCE_ACTIVITY = 'instance.activity';

export interface LiveTaskDto {
  id: string;
  processInstanceId: string;
  processKey: string;
  elementId: string;
  name: string | null;
  assignee: string | null;
  candidateRoles: string[];
  formKey: string | null;
  /** Who made the change (user name, or `system` for timers and the job worker). */
  actor: string;
  at: string;
}

export interface LiveInstanceDto {
  id: string;
  processKey: string;
  businessKey: string | null;
  state: string;
  activeElementIds: string[];
  parentInstanceId: string | null;
  actor: string;
  at: string;
}

export interface LiveIncidentDto {
  id: string;
  processInstanceId: string;
  processKey: string;
  elementId: string | null;
  /** Only on incident.created. */
  type?: string;
  message?: string;
  jobKey?: string | null;
  actor: string;
  at: string;
}

export interface LiveActivityDto {
  processInstanceId: string;
  seq: number;
  type: string;
  elementId: string | null;
  at: string;
}

export interface LiveEvent {
  name: LiveEventName;
  payload: LiveTaskDto | LiveInstanceDto | LiveIncidentDto;
  /** Rooms that receive it besides the overseers'. */
  rooms: string[];
}

/** What one commit means to live clients. */
export interface CommitDelivery {
  instanceId: string;
  events: LiveEvent[];
  /** Rooms that may see the instance at all (its tasks' audiences, before and after the commit). */
  instanceRooms: string[];
  activity: LiveActivityDto[];
}

/** The task facts the mapping reads and keeps up to date. */
export interface TaskLookup {
  get(taskId: string): TaskFacts | undefined;
  remember(facts: TaskFacts): void;
  forget(taskId: string): void;
}

const TASK_CHANGES = new Set(['task.assigned', 'task.completed', 'task.cancelled']);

/**
 * Ids of tasks a commit changes whose facts are not in the commit itself (closed tasks are no
 * longer among its open tasks): they must be known before `deliveryOf` runs.
 */
export function tasksToRecall(commit: InstanceCommit): string[] {
  const open = new Set(commit.tasks.map((t) => t.id));
  return commit.events
    .filter((e) => TASK_CHANGES.has(e.type))
    .map((e) => String(e.payload.taskId))
    .filter((id) => !open.has(id));
}

/** Events that change an instance's state or its active elements. */
const INSTANCE_CHANGES = new Set([
  'instance.migrated',
  'element.activated',
  'element.completed',
  'element.terminated',
  'incident.raised',
  'incident.resolved',
]);

/**
 * Maps one committed command to live events, in the order the engine emitted them; payloads are
 * small DTOs (never variables or engine state). Keeps `tasks` in step with the commit.
 */
export function deliveryOf(commit: InstanceCommit, tasks: TaskLookup): CommitDelivery {
  const { view, actor } = commit;
  const instanceId = commit.instanceId;
  const out: LiveEvent[] = [];
  const rooms = new Set<string>();
  const iso = (e: EngineEvent) => new Date(e.at).toISOString();

  const taskDto = (f: TaskFacts, e: EngineEvent): LiveTaskDto => ({
    id: f.id,
    processInstanceId: instanceId,
    processKey: commit.processKey,
    elementId: f.elementId,
    name: f.name,
    assignee: f.assignee,
    candidateRoles: f.candidateRoles,
    formKey: f.formKey,
    actor,
    at: iso(e),
  });
  const instanceDto = (e: EngineEvent): LiveInstanceDto => ({
    id: instanceId,
    processKey: commit.processKey,
    businessKey: view.businessKey ?? null,
    state: view.state,
    activeElementIds: [...view.activeElementIds],
    parentInstanceId: view.parentInstanceId ?? null,
    actor,
    at: iso(e),
  });
  const taskEvent = (name: LiveEventName, f: TaskFacts, e: EngineEvent, extra: string[] = []) => {
    const to = [...new Set([...taskRooms(f), ...extra])];
    to.forEach((r) => rooms.add(r));
    out.push({ name, payload: taskDto(f, e), rooms: to });
  };

  // Instance and incident events go to whoever may see the instance: their rooms are known once
  // every task of the commit is read, so they are placed now and addressed at the end.
  const slots: number[] = [];
  const place = (name: LiveEventName, payload: LiveInstanceDto | LiveIncidentDto) =>
    out.push({ name, payload, rooms: [] }) - 1;

  let startedOrEnded = false;
  let changed = false;
  let last: EngineEvent | undefined;
  for (const e of commit.events) {
    last = e;
    // Payload shapes are fixed per event type (engine apply-event.ts).
    const p = e.payload as Record<string, unknown>;
    if (INSTANCE_CHANGES.has(e.type)) changed = true;
    switch (e.type) {
      case 'task.created': {
        const f = taskFacts(instanceId, p.task as EngineTaskLike);
        tasks.remember(f);
        taskEvent('task.created', f, e);
        break;
      }
      case 'task.assigned': {
        const taskId = String(p.taskId);
        const open = commit.tasks.find((t) => t.id === taskId);
        const known = tasks.get(taskId) ?? (open ? taskFacts(instanceId, open) : undefined);
        if (!known) break;
        const assignee = (p.assignee as string | null) ?? null;
        const before: TaskFacts = { ...known, assignee: (p.previous as string | null) ?? null };
        const after: TaskFacts = { ...known, assignee };
        tasks.remember(after);
        // The previous audience hears of it too: the task leaves their lists.
        taskEvent('task.assigned', after, e, taskRooms(before));
        break;
      }
      case 'task.completed':
      case 'task.cancelled': {
        const f = tasks.get(String(p.taskId));
        tasks.forget(String(p.taskId));
        if (f) taskEvent(e.type, f, e);
        break;
      }
      case 'instance.started':
        startedOrEnded = true;
        slots.push(place('instance.started', instanceDto(e)));
        break;
      case 'instance.completed':
        startedOrEnded = true;
        slots.push(place('instance.completed', instanceDto(e)));
        break;
      case 'instance.terminated':
      case 'instance.cancelled':
        startedOrEnded = true;
        slots.push(place('instance.terminated', instanceDto(e)));
        break;
      case 'incident.raised': {
        const i = p.incident as {
          id: string;
          type: string;
          message: string;
          elementId?: string;
          jobKey?: string;
        };
        slots.push(
          place('incident.created', {
            id: i.id,
            processInstanceId: instanceId,
            processKey: commit.processKey,
            elementId: i.elementId ?? null,
            type: i.type,
            message: i.message,
            jobKey: i.jobKey ?? null,
            actor,
            at: iso(e),
          }),
        );
        break;
      }
      case 'incident.resolved':
        slots.push(
          place('incident.resolved', {
            id: String(p.incidentId),
            processInstanceId: instanceId,
            processKey: commit.processKey,
            elementId: e.elementId ?? null,
            actor,
            at: iso(e),
          }),
        );
        break;
      default:
        break;
    }
  }
  if (changed && !startedOrEnded && last) slots.push(place('instance.updated', instanceDto(last)));

  // Open tasks after the commit: their facts are fresh (assignee, candidates).
  for (const t of commit.tasks) {
    const f = taskFacts(instanceId, t);
    tasks.remember(f);
    taskRooms(f).forEach((r) => rooms.add(r));
  }
  const instanceRooms = [...rooms];
  for (const slot of slots) out[slot]!.rooms = instanceRooms;

  return {
    instanceId,
    events: out,
    instanceRooms,
    activity: commit.events.map((e) => ({
      processInstanceId: instanceId,
      seq: e.seq,
      type: e.type,
      elementId: e.elementId ?? null,
      at: iso(e),
    })),
  };
}
