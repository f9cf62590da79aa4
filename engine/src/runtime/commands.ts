import type { ProcessModel } from '../model/process-model.js';
import { EngineCommandError } from './engine-error.js';
import { IncidentError } from './incident-error.js';
import {
  emptyInstanceState,
  type InstanceState,
  type JobState,
  type Vars,
} from './instance-state.js';
import { enterElement, runBehaviour } from './enter-element.js';
import { createJob } from './work-items.js';
import { completeElement } from './complete-element.js';
import { Run, type RunContext } from './run.js';
import {
  deliverSignal,
  openEventSubProcesses,
  queueTrigger,
  throwError,
  throwEscalation,
} from './triggers.js';
import { nextTimerDue } from './timer-schedule.js';

/**
 * The commands one instance accepts. Each validates first (a refusal changes nothing), then runs
 * to quiescence and returns the Run with its events and effects.
 */
export interface StartInstanceInput {
  instanceId: string;
  model: ProcessModel;
  processKey: string;
  version: number;
  variables?: Vars;
  businessKey?: string;
  startEventId?: string;
  parent?: { instanceId: string; key: number };
  /** The event that started it (message, signal, timer): its variables. */
  triggered?: Vars;
}

export function startInstance(input: StartInstanceInput, ctx: RunContext): Run {
  const { model } = input;
  const startId = input.startEventId ?? model.root.noneStartId;
  if (!startId) {
    throw new EngineCommandError(
      'NO_NONE_START_EVENT',
      `process '${model.id}' has no none start event`,
    );
  }
  const start = model.nodes.get(startId);
  if (!start || start.kind !== 'startEvent' || start.containerId !== model.id) {
    throw new EngineCommandError(
      'ELEMENT_NOT_FOUND',
      `'${startId}' is not a start event of process '${model.id}'`,
    );
  }
  const state = emptyInstanceState(input.instanceId);
  const run = new Run(state, model, ctx);
  const rootKey = 1;
  run.emit(
    'instance.started',
    { elementId: model.id, key: rootKey },
    {
      processId: model.id,
      processKey: input.processKey,
      version: input.version,
      ...(input.businessKey !== undefined ? { businessKey: input.businessKey } : {}),
      ...(input.parent ? { parent: input.parent } : {}),
    },
  );
  run.emit(
    'element.activated',
    { elementId: model.id, key: rootKey },
    { vars: { ...(input.variables ?? {}) } },
  );
  try {
    openEventSubProcesses(run, model.root, rootKey);
  } catch (e) {
    if (!(e instanceof IncidentError)) throw e;
    run.raiseIncident(e, run.el(rootKey), { op: 'none' });
  }
  run.enqueue({
    op: 'activate',
    elementId: startId,
    scopeKey: rootKey,
    ...(input.triggered ? { triggered: input.triggered } : {}),
  });
  run.drain();
  return run;
}

function requireActive(state: InstanceState): void {
  if (state.status !== 'active') {
    throw new EngineCommandError(
      'INSTANCE_NOT_ACTIVE',
      `instance '${state.id}' is ${state.status}`,
    );
  }
}

export function completeTask(run: Run, taskId: string, variables: Vars | undefined): void {
  const task = run.state.tasks[taskId];
  if (!task)
    throw new EngineCommandError(
      'TASK_NOT_ACTIVE',
      `task '${taskId}' is not open (already completed or cancelled)`,
    );
  run.emit(
    'task.completed',
    { elementId: task.elementId, key: task.key },
    { taskId, ...(variables ? { variables } : {}) },
  );
  run.enqueue({ op: 'complete', key: task.key, ...(variables ? { vars: variables } : {}) });
  run.drain();
}

function requireJob(run: Run, jobKey: string) {
  const job = run.state.jobs[jobKey];
  if (!job)
    throw new EngineCommandError(
      'JOB_NOT_ACTIVE',
      `job '${jobKey}' is not active (already completed or cancelled)`,
    );
  return job;
}

export function completeJob(run: Run, jobKey: string, variables: Vars | undefined): void {
  const job = requireJob(run, jobKey);
  if (job.listener) {
    completeListenerJob(run, job, variables);
    return;
  }
  run.emit(
    'job.completed',
    { elementId: job.elementId, key: job.elementKey },
    { jobKey, ...(variables ? { variables } : {}) },
  );
  run.enqueue({ op: 'complete', key: job.elementKey, ...(variables ? { vars: variables } : {}) });
  run.drain();
}

export function failJob(
  run: Run,
  jobKey: string,
  opts: { retries: number; errorMessage?: string; retryBackoffMs?: number; variables?: Vars },
): void {
  const job = requireJob(run, jobKey);
  if (!Number.isInteger(opts.retries) || opts.retries < 0) {
    throw new EngineCommandError('INVALID_ARGUMENT', 'retries must be a whole number ≥ 0');
  }
  if (opts.variables && Object.keys(opts.variables).length > 0)
    run.setLocalVars(job.elementKey, opts.variables);
  const notBefore =
    opts.retries > 0 && opts.retryBackoffMs ? run.ctx.now + opts.retryBackoffMs : undefined;
  run.emit(
    'job.failed',
    { elementId: job.elementId, key: job.elementKey },
    {
      jobKey,
      retries: opts.retries,
      ...(notBefore !== undefined ? { notBefore } : {}),
      ...(opts.errorMessage ? { errorMessage: opts.errorMessage } : {}),
    },
  );
  if (opts.retries === 0) {
    run.raiseIncident(
      new IncidentError(
        'JOB_NO_RETRIES',
        `job '${job.type}' of '${job.elementId}' failed with no retries left${opts.errorMessage ? `: ${opts.errorMessage}` : ''}`,
      ),
      run.el(job.elementKey),
      { op: 'job', jobKey },
      jobKey,
    );
  }
}

export function updateJobRetries(run: Run, jobKey: string, retries: number): void {
  const job = requireJob(run, jobKey);
  if (!Number.isInteger(retries) || retries < 0) {
    throw new EngineCommandError('INVALID_ARGUMENT', 'retries must be a whole number ≥ 0');
  }
  run.emit(
    'job.retries-updated',
    { elementId: job.elementId, key: job.elementKey },
    { jobKey, retries },
  );
}

export function throwJobError(
  run: Run,
  jobKey: string,
  errorCode: string,
  opts: { errorMessage?: string; variables?: Vars },
): void {
  const job = requireJob(run, jobKey);
  run.emit(
    'job.completed',
    { elementId: job.elementId, key: job.elementKey },
    { jobKey, outcome: 'error', errorCode },
  );
  throwError(run, job.elementKey, errorCode, opts.errorMessage, opts.variables ?? {});
  run.drain();
}

/** A message matched one of this instance's subscriptions. */
export function correlateSubscription(
  run: Run,
  subscriptionId: string,
  variables: Vars | undefined,
): void {
  const sub = run.state.subscriptions[subscriptionId];
  if (!sub)
    throw new EngineCommandError('NOT_FOUND', `subscription '${subscriptionId}' is not open`);
  run.emit(
    'message.correlated',
    { elementId: sub.targetId, key: sub.ownerKey },
    {
      subscriptionId,
      name: sub.name,
      ...(sub.correlationKey !== undefined ? { correlationKey: sub.correlationKey } : {}),
    },
  );
  queueTrigger(run, sub.kind, sub.ownerKey, sub.targetId, variables ?? {});
  run.drain();
}

export function receiveSignal(run: Run, name: string, variables: Vars | undefined): number {
  const n = deliverSignal(run, name, variables ?? {});
  if (n > 0) run.drain();
  return n;
}

/** Fires the timers of this instance due at `now`, earliest first. */
export function fireDueTimers(run: Run, now: number): number {
  const due = Object.values(run.state.timers)
    .filter((t) => t.dueAt <= now)
    .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1));
  let fired = 0;
  for (const t of due) {
    if (!run.state.timers[t.id]) continue;
    const next =
      t.cycle && (t.cycle.remaining === null || t.cycle.remaining > 0)
        ? {
            dueAt: nextTimerDue(t.dueAt, t.cycle.interval),
            remaining: t.cycle.remaining === null ? null : t.cycle.remaining - 1,
          }
        : undefined;
    run.emit(
      'timer.fired',
      { elementId: t.targetId, key: t.ownerKey },
      { timerId: t.id, dueAt: t.dueAt, ...(next ? { next } : {}) },
    );
    queueTrigger(run, t.kind, t.ownerKey, t.targetId, {});
    run.drain();
    fired++;
  }
  return fired;
}

export function childCompleted(run: Run, key: number, childVars: Vars): void {
  const el = run.el(key);
  if (!el) return; // the call activity was terminated meanwhile
  const node = run.node(el.elementId);
  const call = node.call;
  const vars =
    call?.propagateAllChildVariables !== false || (node.outputs && node.outputs.length > 0)
      ? childVars
      : {};
  run.emit(
    'child.finished',
    { elementId: el.elementId, key },
    { childInstanceId: el.childInstanceId },
  );
  run.enqueue({ op: 'complete', key, vars });
  run.drain();
}

export function childThrew(
  run: Run,
  key: number,
  kind: 'error' | 'escalation',
  code: string,
  message: string | undefined,
  vars: Vars,
): void {
  const el = run.el(key);
  if (!el) return;
  if (kind === 'error') throwError(run, key, code, message, vars);
  else throwEscalation(run, key, code, vars);
  run.drain();
}

export function cancelInstance(run: Run): void {
  requireActive(run.state);
  run.terminate(run.state.rootKey);
  run.emit('instance.cancelled', { elementId: run.state.processId }, {});
}

export function resolveIncident(run: Run, incidentId: string, variables: Vars | undefined): void {
  const incident = run.state.incidents[incidentId];
  if (!incident)
    throw new EngineCommandError('INCIDENT_NOT_FOUND', `incident '${incidentId}' is not open`);
  if (incident.retry.op === 'job') {
    const job = run.state.jobs[incident.retry.jobKey];
    if (job && job.retries <= 0) {
      throw new EngineCommandError(
        'INVALID_ARGUMENT',
        `job '${job.key}' has no retries left: update its retries first`,
      );
    }
  }
  if (
    variables &&
    Object.keys(variables).length > 0 &&
    incident.key !== undefined &&
    run.el(incident.key)
  ) {
    run.propagateVars(incident.key, variables);
  }
  run.emit(
    'incident.resolved',
    {
      ...(incident.elementId ? { elementId: incident.elementId } : {}),
      ...(incident.key !== undefined ? { key: incident.key } : {}),
    },
    { incidentId },
  );
  const retry = incident.retry;
  if (retry.op === 'enter') enterElement(run, retry.key);
  else if (retry.op === 'complete') completeElement(run, retry.key, retry.vars);
  run.drain();
}

export function setVariables(run: Run, variables: Vars, local?: number): void {
  if (local !== undefined) run.setLocalVars(local, variables);
  else run.propagateVars(run.state.rootKey, variables);
}

export { requireActive };

export interface ModifyInput {
  terminate?: Array<number | string>;
  activate?: Array<{ elementId: string; variables?: Vars }>;
}

/** Operator repair of a stuck instance: terminate element instances, activate elements. */
export function modifyInstance(run: Run, input: ModifyInput): void {
  requireActive(run.state);
  const toTerminate: number[] = [];
  for (const t of input.terminate ?? []) {
    if (typeof t === 'number') {
      if (!run.el(t) || t === run.state.rootKey)
        throw new EngineCommandError('ELEMENT_NOT_FOUND', `no active element instance ${t}`);
      toTerminate.push(t);
    } else {
      const keys = Object.values(run.state.elements)
        .filter((e) => e.elementId === t && e.key !== run.state.rootKey)
        .map((e) => e.key);
      if (keys.length === 0)
        throw new EngineCommandError('ELEMENT_NOT_FOUND', `no active instance of element '${t}'`);
      toTerminate.push(...keys);
    }
  }
  const activations: Array<{ elementId: string; scopeKey: number; variables?: Vars }> = [];
  for (const a of input.activate ?? []) {
    const node = run.model.nodes.get(a.elementId);
    if (!node)
      throw new EngineCommandError(
        'ELEMENT_NOT_FOUND',
        `element '${a.elementId}' is not in process '${run.model.id}'`,
      );
    let scopeKey: number | undefined;
    if (node.containerId === run.model.id) scopeKey = run.state.rootKey;
    else {
      scopeKey = Object.values(run.state.elements).find(
        (e) =>
          e.elementId === node.containerId &&
          e.role !== 'miBody' &&
          e.role !== 'loopBody' &&
          !toTerminate.includes(e.key),
      )?.key;
    }
    if (scopeKey === undefined) {
      throw new EngineCommandError(
        'ELEMENT_NOT_FOUND',
        `'${a.elementId}' is inside '${node.containerId}', which has no active instance`,
      );
    }
    activations.push({
      elementId: a.elementId,
      scopeKey,
      ...(a.variables ? { variables: a.variables } : {}),
    });
  }
  run.emit(
    'modify.applied',
    {},
    { terminate: input.terminate ?? [], activate: (input.activate ?? []).map((a) => a.elementId) },
  );
  for (const key of toTerminate) {
    const el = run.el(key);
    if (!el) continue;
    const scopeKey = el.scopeKey;
    run.terminate(key);
    if (scopeKey !== undefined) run.scopeChecks.add(scopeKey);
  }
  for (const a of activations) {
    if (a.variables) run.setLocalVars(a.scopeKey, a.variables);
    run.enqueue({ op: 'activate', elementId: a.elementId, scopeKey: a.scopeKey });
  }
  run.drain();
}

/**
 * An execution listener job is done: the next listener of the same event runs, or the element goes
 * on (start: its behaviour; end: the token moves on). Listener variables propagate like job ones.
 */
function completeListenerJob(run: Run, job: JobState, variables: Vars | undefined): void {
  const { event, index } = job.listener!;
  run.emit(
    'job.completed',
    { elementId: job.elementId, key: job.elementKey },
    { jobKey: job.key, listener: event, ...(variables ? { variables } : {}) },
  );
  const el = run.el(job.elementKey);
  if (!el) return;
  if (variables && Object.keys(variables).length > 0) run.propagateVars(el.key, variables);
  const node = run.node(el.elementId);
  const listeners = node.executionListeners![event];
  try {
    if (index + 1 < listeners.length) {
      createJob(run, node, el.key, { event, index: index + 1 });
    } else if (event === 'start') {
      runBehaviour(run, el.key);
    } else {
      run.enqueue({ op: 'complete', key: el.key, afterListeners: true });
    }
  } catch (e) {
    if (!(e instanceof IncidentError)) throw e;
    run.raiseIncident(
      e,
      el,
      event === 'start' ? { op: 'enter', key: el.key } : { op: 'complete', key: el.key },
    );
  }
  run.drain();
}
