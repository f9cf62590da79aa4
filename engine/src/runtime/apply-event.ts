import type { EngineEvent } from './engine-event.js';
import type {
  ElementInstance,
  IncidentState,
  InstanceState,
  JobState,
  LoopState,
  SubscriptionState,
  TaskState,
  TimerState,
  Vars,
} from './instance-state.js';

/**
 * The one place instance state changes: state is the fold of the log through this function, so
 * replaying a log reproduces the state after every step. It needs no model: events carry what the
 * fold needs (e.g. `join: true` on a flow into a joining gateway).
 */
export function applyEvent(state: InstanceState, event: EngineEvent): void {
  state.seq = event.seq;
  // Payload shapes are fixed per event type; the switch below is their one reader.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const p = event.payload as Record<string, any>;
  switch (event.type) {
    case 'instance.started':
      state.processId = p.processId;
      state.processKey = p.processKey;
      state.version = p.version;
      if (p.businessKey !== undefined) state.businessKey = p.businessKey;
      if (p.parent) state.parent = p.parent;
      state.rootKey = event.key!;
      state.startedAt = event.at;
      state.status = 'active';
      return;
    case 'element.activated': {
      const key = event.key!;
      const el: ElementInstance = { key, elementId: event.elementId!, children: 0 };
      if (event.scopeKey !== undefined) {
        el.scopeKey = event.scopeKey;
        const scope = state.elements[event.scopeKey];
        if (scope) scope.children++;
      }
      if (p.role) el.role = p.role;
      if (p.vars) el.vars = { ...(p.vars as Vars) };
      if (p.startEventId) el.startEventId = p.startEventId;
      if (p.loop) el.loop = cloneLoop(p.loop);
      state.elements[key] = el;
      if (key >= state.nextKey) state.nextKey = key + 1;
      return;
    }
    case 'element.completed':
    case 'element.terminated': {
      const el = state.elements[event.key!];
      // The process instance's own element stays: it holds the final variables.
      if (!el || event.key === state.rootKey) return;
      delete state.elements[event.key!];
      delete state.joins[event.key!];
      if (el.scopeKey !== undefined) {
        const scope = state.elements[el.scopeKey];
        if (scope) scope.children--;
      }
      return;
    }
    case 'flow.taken': {
      if (!p.join) return;
      const scopeJoins = (state.joins[event.scopeKey!] ??= {});
      const gw = (scopeJoins[p.targetId] ??= {});
      gw[p.flowId] = (gw[p.flowId] ?? 0) + 1;
      return;
    }
    case 'join.fired': {
      const scopeJoins = state.joins[event.scopeKey!];
      const gw = scopeJoins?.[event.elementId!];
      if (!scopeJoins || !gw) return;
      for (const flowId of p.flows as string[]) {
        const n = (gw[flowId] ?? 0) - 1;
        if (n > 0) gw[flowId] = n;
        else delete gw[flowId];
      }
      if (Object.keys(gw).length === 0) delete scopeJoins[event.elementId!];
      if (Object.keys(scopeJoins).length === 0) delete state.joins[event.scopeKey!];
      return;
    }
    case 'variables.set': {
      const el = state.elements[event.key!];
      if (el) Object.assign((el.vars ??= {}), p.variables as Vars);
      return;
    }
    case 'loop.updated': {
      const el = state.elements[event.key!];
      if (el) el.loop = cloneLoop(p.loop as LoopState);
      return;
    }
    case 'joins.cleared':
      delete state.joins[event.key!];
      return;
    case 'scope.interrupted': {
      const el = state.elements[event.key!];
      if (el) el.interrupted = true;
      return;
    }
    case 'child.requested': {
      const el = state.elements[event.key!];
      if (el) el.childInstanceId = p.childInstanceId;
      return;
    }
    case 'task.created': {
      const t = p.task as TaskState;
      state.tasks[t.id] = { ...t };
      return;
    }
    case 'task.assigned': {
      const t = state.tasks[p.taskId as string];
      if (t) {
        if (p.assignee) t.assignee = p.assignee as string;
        else delete t.assignee;
      }
      return;
    }
    case 'instance.migrated':
      state.processKey = p.to as string;
      state.version = p.version as number;
      return;
    case 'task.completed':
    case 'task.cancelled':
      delete state.tasks[p.taskId as string];
      return;
    case 'job.created': {
      const j = p.job as JobState;
      state.jobs[j.key] = { ...j, headers: { ...j.headers } };
      return;
    }
    case 'job.failed': {
      const j = state.jobs[p.jobKey as string];
      if (!j) return;
      j.retries = p.retries;
      if (p.notBefore !== undefined) j.notBefore = p.notBefore;
      else delete j.notBefore;
      if (p.errorMessage !== undefined) j.errorMessage = p.errorMessage;
      return;
    }
    case 'job.retries-updated': {
      const j = state.jobs[p.jobKey as string];
      if (j) j.retries = p.retries;
      return;
    }
    case 'job.completed':
    case 'job.cancelled':
      delete state.jobs[p.jobKey as string];
      return;
    case 'timer.scheduled': {
      const t = p.timer as TimerState;
      state.timers[t.id] = { ...t, ...(t.cycle ? { cycle: { ...t.cycle } } : {}) };
      return;
    }
    case 'timer.fired': {
      const t = state.timers[p.timerId as string];
      if (!t) return;
      if (p.next) {
        t.dueAt = p.next.dueAt;
        t.cycle = { remaining: p.next.remaining, interval: t.cycle!.interval };
      } else {
        delete state.timers[t.id];
      }
      return;
    }
    case 'timer.cancelled':
      delete state.timers[p.timerId as string];
      return;
    case 'subscription.opened': {
      const s = p.subscription as SubscriptionState;
      state.subscriptions[s.id] = { ...s };
      return;
    }
    case 'subscription.closed':
      delete state.subscriptions[p.subscriptionId as string];
      return;
    case 'incident.raised': {
      const i = p.incident as IncidentState;
      state.incidents[i.id] = { ...i };
      return;
    }
    case 'incident.resolved':
      delete state.incidents[p.incidentId as string];
      return;
    case 'instance.completed':
      state.status = 'completed';
      state.endedAt = event.at;
      return;
    case 'instance.terminated':
    case 'instance.cancelled':
      state.status = 'terminated';
      state.endedAt = event.at;
      return;
    default:
      // Informational events (signal.thrown, message.correlated, error.thrown, modify.applied, ...)
      // are part of the audit record but change no state.
      return;
  }
}

function cloneLoop(loop: LoopState): LoopState {
  const c: LoopState = { started: loop.started, completed: loop.completed };
  if (loop.total !== undefined) c.total = loop.total;
  if (loop.items) c.items = [...loop.items];
  if (loop.outputs) c.outputs = [...loop.outputs];
  return c;
}
