import { loadBpmn } from '../load-bpmn.js';
import type { Problem } from '../model/problem.js';
import { applyEvent } from '../runtime/apply-event.js';
import * as cmd from '../runtime/commands.js';
import type { Effect } from '../runtime/effects.js';
import {
  EngineCommandError,
  type EngineError,
  type EngineErrorCode,
} from '../runtime/engine-error.js';
import type { EngineEvent } from '../runtime/engine-event.js';
import { emptyInstanceState, type InstanceState } from '../runtime/instance-state.js';
import { IncidentError } from '../runtime/incident-error.js';
import { Run } from '../runtime/run.js';
import { upgradeState } from '../runtime/upgrade-state.js';
import { assignTask } from '../runtime/assign-task.js';
import { migrateInstance } from '../runtime/migrate-instance.js';
import { contentHash } from './content-hash.js';
import { DeploymentError } from './deployment-error.js';
import type {
  CommandResult,
  CorrelateResult,
  DeployResult,
  DeploymentResource,
  EngineOptions,
  FailJobOptions,
  IncidentView,
  InstanceView,
  JobView,
  MessageToCorrelate,
  ModifyInstruction,
  StartOptions,
  StartResult,
  ThrowErrorOptions,
  UserTaskView,
  Variables,
} from './host-types.js';
import { ProcessRegistry, type ProcessVersion } from './process-registry.js';
import { StartEventRegistry, type TimerStartView } from './start-event-registry.js';
import { TimerQueue } from './timer-queue.js';
import { instanceView, incidentViews, jobView, taskView } from './views.js';

interface InstanceEntry {
  state: InstanceState;
  events: EngineEvent[];
  version: ProcessVersion;
}

/**
 * An in-memory engine: deployments, instances and the routing between them (call activities,
 * signals, messages, timers). Pure: time comes from the injected clock, ids from counters, and
 * nothing is read or written outside memory. The runtime service persists the same events.
 */
export class Engine {
  private readonly clock: () => number;
  private readonly newInstanceId: () => string;
  private readonly retainFinished: boolean;
  private readonly onEvents: ((events: readonly EngineEvent[]) => void) | undefined;
  private readonly registry = new ProcessRegistry();
  private readonly starts = new StartEventRegistry();
  private readonly instances = new Map<string, InstanceEntry>();
  private readonly taskIndex = new Map<string, string>();
  private readonly jobIndex = new Map<string, string>();
  /** Open subscriptions: `message|signal` + name → instance ids (with a count). */
  private readonly subsByName = new Map<string, Map<string, number>>();
  private readonly subNames = new Map<string, string>();
  private readonly timers = new TimerQueue();
  private deploymentCounter = 0;
  private instanceCounter = 0;
  private readonly resources = new Map<string, Map<string, string>>();

  constructor(options: EngineOptions = {}) {
    this.clock = options.clock ?? (() => 0);
    this.newInstanceId = options.newInstanceId ?? (() => `i${++this.instanceCounter}`);
    this.retainFinished = options.retainFinishedInstances ?? true;
    this.onEvents = options.onEvents;
  }

  // ---------------------------------------------------------------- deployments

  async deploy(resources: DeploymentResource[]): Promise<DeployResult> {
    if (!Array.isArray(resources) || resources.length === 0) {
      throw new DeploymentError([
        {
          code: 'empty-deployment',
          message: 'a deployment needs at least one resource',
          severity: 'error',
        },
      ]);
    }
    const problems: Array<Problem & { resource?: string }> = [];
    const warnings: Problem[] = [];
    const loaded: Array<{
      resource: string;
      hash: string;
      models: import('../model/process-model.js').ProcessModel[];
    }> = [];
    const others = new Map<string, string>();
    for (const r of resources) {
      const text = typeof r.content === 'string' ? r.content : new TextDecoder().decode(r.content);
      if (!/\.(bpmn|bpmn20\.xml|xml)$/i.test(r.name) && !text.trimStart().startsWith('<')) {
        others.set(r.name, text);
        continue;
      }
      const result = await loadBpmn(r.content);
      if (!result.ok) {
        for (const p of result.problems) problems.push({ ...p, resource: r.name });
        continue;
      }
      warnings.push(...result.warnings);
      const models = result.definitions.processes.filter((p) => p.isExecutable);
      loaded.push({ resource: r.name, hash: contentHash(text), models });
    }
    if (problems.length > 0) throw new DeploymentError(problems);
    const deploymentId = `d${++this.deploymentCounter}`;
    this.resources.set(deploymentId, others);
    const processes: DeployResult['processes'] = [];
    // The forms and rule sets deployed with a process belong to its version: the same BPMN with a
    // changed form is a new version, so new permits get the new form and running ones keep theirs.
    const companions =
      others.size > 0
        ? ':' +
          contentHash(
            [...others]
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([name, text]) => `${name}\u0000${contentHash(text)}`)
              .join('\u0000'),
          )
        : '';
    for (const l of loaded) {
      for (const model of l.models) {
        const { version, isNew } = this.registry.add(
          model,
          deploymentId,
          `${l.hash}:${model.id}${companions}`,
          model.versionTag,
        );
        processes.push({ id: version.processId, key: version.key, version: version.version });
        if (isNew) this.starts.register(version, this.clock(), this.timers);
      }
    }
    return { deploymentId, processes, warnings };
  }

  /** A non-BPMN resource (form schema, rule set) of a deployment. */
  getResource(deploymentId: string, name: string): string | undefined {
    return this.resources.get(deploymentId)?.get(name);
  }

  listProcesses(): Array<{
    id: string;
    key: string;
    version: number;
    name?: string;
    deploymentId: string;
  }> {
    return this.registry.all().map((v) => ({
      id: v.processId,
      key: v.key,
      version: v.version,
      deploymentId: v.deploymentId,
      ...(v.model.name ? { name: v.model.name } : {}),
    }));
  }

  // ---------------------------------------------------------------- instances

  start(processId: string, options: StartOptions = {}): StartResult {
    const version = this.registry.get(processId, options.version);
    if (!version) {
      return fail(
        'PROCESS_NOT_FOUND',
        `no deployed process '${processId}'${options.version ? ` version ${options.version}` : ''}`,
      );
    }
    const all: EngineEvent[] = [];
    try {
      const id = this.startVersion(version, options, undefined, all);
      this.flush(all);
      return { ok: true, instanceId: id, events: all };
    } catch (e) {
      return toFailure(e);
    }
  }

  private startVersion(
    version: ProcessVersion,
    options: StartOptions & { triggered?: Variables; instanceId?: string },
    parent: { instanceId: string; key: number } | undefined,
    sink: EngineEvent[],
  ): string {
    const instanceId = options.instanceId ?? this.newInstanceId();
    if (this.instances.has(instanceId)) {
      throw new EngineCommandError(
        'INVALID_ARGUMENT',
        `instance id '${instanceId}' is already in use`,
      );
    }
    const effects: Effect[] = [];
    const run = cmd.startInstance(
      {
        instanceId,
        model: version.model,
        processKey: version.key,
        version: version.version,
        ...(options.variables ? { variables: options.variables } : {}),
        ...(options.businessKey !== undefined ? { businessKey: options.businessKey } : {}),
        ...(options.startEventId ? { startEventId: options.startEventId } : {}),
        ...(options.triggered ? { triggered: options.triggered } : {}),
        ...(parent ? { parent } : {}),
      },
      this.ctx(),
    );
    const entry: InstanceEntry = { state: run.state, events: [], version };
    this.instances.set(instanceId, entry);
    this.absorb(entry, run, sink, effects);
    this.processEffects(effects, sink);
    return instanceId;
  }

  getInstance(id: string): InstanceView | undefined {
    const e = this.instances.get(id);
    return e ? instanceView(e.state) : undefined;
  }

  listInstances(
    filter: { processId?: string; state?: InstanceView['state'] } = {},
  ): InstanceView[] {
    const out: InstanceView[] = [];
    for (const e of this.instances.values()) {
      if (filter.processId && e.state.processId !== filter.processId) continue;
      const v = instanceView(e.state);
      if (filter.state && v.state !== filter.state) continue;
      out.push(v);
    }
    return out;
  }

  getEvents(id: string): EngineEvent[] {
    return [...(this.instances.get(id)?.events ?? [])];
  }

  /** Plain-JSON snapshot of an instance's state (carries `schemaVersion`). */
  getState(id: string): InstanceState | undefined {
    const e = this.instances.get(id);
    return e ? structuredClone(e.state) : undefined;
  }

  /** Folds a log into a state: replaying the log of an instance reproduces its state. */
  replay(events: readonly EngineEvent[]): InstanceState {
    const state = emptyInstanceState(events[0]?.instanceId ?? '');
    for (const ev of events) applyEvent(state, ev);
    return structuredClone(state);
  }

  /**
   * Loads an instance from a saved state and log (e.g. after a restart of a host that persists
   * them). The process version must be deployed.
   */
  restoreInstance(saved: InstanceState, events: EngineEvent[] = []): void {
    const state = upgradeState(structuredClone(saved));
    const version = this.registry.byProcessKey(state.processKey);
    if (!version)
      throw new EngineCommandError(
        'PROCESS_NOT_FOUND',
        `process version '${state.processKey}' is not deployed`,
      );
    const entry: InstanceEntry = { state, events: [...events], version };
    this.instances.set(state.id, entry);
    this.indexState(entry);
  }

  /**
   * Drops an instance from memory (a persisting host reloads it with restoreInstance when a
   * command needs it). Its state and log are unchanged wherever the host keeps them.
   */
  unloadInstance(instanceId: string): boolean {
    const e = this.instances.get(instanceId);
    if (!e) return false;
    for (const t of Object.keys(e.state.tasks)) this.taskIndex.delete(t);
    for (const j of Object.keys(e.state.jobs)) this.jobIndex.delete(j);
    for (const s of Object.keys(e.state.subscriptions)) this.removeSub(instanceId, s);
    // Timer queue entries are checked against live state when they come due (lazy deletion).
    this.instances.delete(instanceId);
    return true;
  }

  cancel(instanceId: string): CommandResult {
    return this.command(instanceId, (run) => cmd.cancelInstance(run));
  }

  /**
   * Moves a waiting instance to another deployed version of its process (`targetProcessKey` like
   * `permit:2`). Refused with MIGRATION_INVALID when an element it is at is missing there.
   */
  migrateInstance(instanceId: string, targetProcessKey: string): CommandResult {
    const e = this.instances.get(instanceId);
    if (!e) return fail('INSTANCE_NOT_FOUND', `no process instance '${instanceId}'`);
    const target = this.registry.byProcessKey(targetProcessKey);
    if (!target)
      return fail('PROCESS_NOT_FOUND', `no deployed process version '${targetProcessKey}'`);
    const result = this.command(instanceId, (run) =>
      migrateInstance(run, {
        processKey: target.key,
        version: target.version,
        model: target.model,
      }),
    );
    if (result.ok) e.version = target;
    return result;
  }

  modify(instanceId: string, instruction: ModifyInstruction): CommandResult {
    return this.command(instanceId, (run) => cmd.modifyInstance(run, instruction));
  }

  setVariables(instanceId: string, variables: Variables): CommandResult {
    return this.command(instanceId, (run) => cmd.setVariables(run, variables));
  }

  // ---------------------------------------------------------------- user tasks

  openTasks(
    filter: {
      instanceId?: string;
      elementId?: string;
      assignee?: string;
      candidateGroup?: string;
    } = {},
  ): UserTaskView[] {
    const out: UserTaskView[] = [];
    const entries = filter.instanceId
      ? [this.instances.get(filter.instanceId)].filter((e): e is InstanceEntry => !!e)
      : this.instances.values();
    for (const e of entries) {
      for (const t of Object.values(e.state.tasks)) {
        if (filter.elementId && t.elementId !== filter.elementId) continue;
        if (filter.assignee && t.assignee !== filter.assignee) continue;
        if (filter.candidateGroup && !t.candidateGroups.includes(filter.candidateGroup)) continue;
        out.push(taskView(e.state, t, this.runFor(e)));
      }
    }
    return out;
  }

  getTask(taskId: string): UserTaskView | undefined {
    const instanceId = this.taskIndex.get(taskId);
    const e = instanceId ? this.instances.get(instanceId) : undefined;
    const t = e?.state.tasks[taskId];
    return e && t ? taskView(e.state, t, this.runFor(e)) : undefined;
  }

  completeTask(taskId: string, variables?: Variables): CommandResult {
    const instanceId = this.taskIndex.get(taskId);
    if (!instanceId) return this.unknownWorkItem(taskId, 'TASK');
    return this.command(instanceId, (run) => cmd.completeTask(run, taskId, variables));
  }

  /** Claims (a user), reassigns, or unclaims (`null`) an open user task. */
  assignTask(taskId: string, assignee: string | null): CommandResult {
    const instanceId = this.taskIndex.get(taskId);
    if (!instanceId) return this.unknownWorkItem(taskId, 'TASK');
    return this.command(instanceId, (run) => assignTask(run, taskId, assignee));
  }

  // ---------------------------------------------------------------- jobs

  activatableJobs(filter: { type?: string; instanceId?: string } = {}): JobView[] {
    const now = this.clock();
    const out: JobView[] = [];
    const entries = filter.instanceId
      ? [this.instances.get(filter.instanceId)].filter((e): e is InstanceEntry => !!e)
      : this.instances.values();
    for (const e of entries) {
      for (const j of Object.values(e.state.jobs)) {
        if (filter.type && j.type !== filter.type) continue;
        if (j.retries <= 0 || (j.notBefore !== undefined && j.notBefore > now)) continue;
        out.push(jobView(e.state, j, this.runFor(e)));
      }
    }
    return out;
  }

  completeJob(jobKey: string, variables?: Variables): CommandResult {
    return this.jobCommand(jobKey, (run) => cmd.completeJob(run, jobKey, variables));
  }

  failJob(jobKey: string, options: FailJobOptions): CommandResult {
    return this.jobCommand(jobKey, (run) => cmd.failJob(run, jobKey, options));
  }

  throwError(jobKey: string, errorCode: string, options: ThrowErrorOptions = {}): CommandResult {
    return this.jobCommand(jobKey, (run) => cmd.throwJobError(run, jobKey, errorCode, options));
  }

  updateJobRetries(jobKey: string, retries: number): CommandResult {
    return this.jobCommand(jobKey, (run) => cmd.updateJobRetries(run, jobKey, retries));
  }

  // ---------------------------------------------------------------- incidents

  incidents(filter: { instanceId?: string } = {}): IncidentView[] {
    const out: IncidentView[] = [];
    for (const e of this.instances.values()) {
      if (filter.instanceId && e.state.id !== filter.instanceId) continue;
      out.push(...incidentViews(e.state));
    }
    return out;
  }

  resolveIncident(incidentId: string, options: { variables?: Variables } = {}): CommandResult {
    const instanceId = incidentId.slice(0, incidentId.lastIndexOf('.inc'));
    if (!this.instances.get(instanceId)?.state.incidents[incidentId]) {
      return fail('INCIDENT_NOT_FOUND', `incident '${incidentId}' is not open`);
    }
    return this.command(instanceId, (run) =>
      cmd.resolveIncident(run, incidentId, options.variables),
    );
  }

  // ---------------------------------------------------------------- messages, signals, timers

  correlateMessage(message: MessageToCorrelate): CorrelateResult {
    if (!message || typeof message.name !== 'string' || message.name === '') {
      return fail('INVALID_ARGUMENT', 'a message needs a name');
    }
    const all: EngineEvent[] = [];
    let correlated = 0;
    try {
      const seenProcesses = new Set<string>();
      const instanceIds = [...(this.subsByName.get(`message|${message.name}`)?.keys() ?? [])];
      for (const instanceId of instanceIds) {
        const e = this.instances.get(instanceId);
        if (!e || seenProcesses.has(e.state.processId)) continue;
        const sub = Object.values(e.state.subscriptions).find(
          (s) =>
            s.channel === 'message' &&
            s.name === message.name &&
            (s.correlationKey ?? undefined) === (message.correlationKey ?? undefined),
        );
        if (!sub) continue;
        seenProcesses.add(e.state.processId);
        this.commandInto(
          e,
          (run) => cmd.correlateSubscription(run, sub.id, message.variables),
          all,
        );
        correlated++;
      }
      for (const start of this.starts.messageStarts(message.name)) {
        if (seenProcesses.has(start.version.processId)) continue;
        seenProcesses.add(start.version.processId);
        this.startVersion(
          start.version,
          {
            startEventId: start.eventId,
            triggered: message.variables ?? {},
            variables: message.variables ?? {},
          },
          undefined,
          all,
        );
        correlated++;
      }
      this.flush(all);
      return { ok: true, correlated, events: all };
    } catch (e) {
      return toFailure(e);
    }
  }

  broadcastSignal(name: string, variables?: Variables): CommandResult {
    const all: EngineEvent[] = [];
    try {
      this.deliverSignal(name, variables ?? {}, undefined, all);
      this.flush(all);
      return { ok: true, events: all };
    } catch (e) {
      return toFailure(e);
    }
  }

  nextTimerDue(): number | undefined {
    for (;;) {
      const top = this.timers.peek();
      if (!top) return undefined;
      if (this.timerLive(top.instanceId, top.timerId, top.dueAt)) return top.dueAt;
      this.timers.pop();
    }
  }

  /** Fires every timer due at or before `now`, earliest first (timer start events included). */
  fireDueTimers(now: number): CommandResult {
    const all: EngineEvent[] = [];
    try {
      for (let guard = 0; guard < 1_000_000; guard++) {
        const top = this.timers.peek();
        if (!top || top.dueAt > now) break;
        this.timers.pop();
        if (!this.timerLive(top.instanceId, top.timerId, top.dueAt)) continue;
        if (top.instanceId === '') {
          const fired = this.starts.fireTimerStart(top.timerId, top.dueAt, this.timers);
          if (fired)
            this.startVersion(
              fired.version,
              { startEventId: fired.eventId, triggered: {} },
              undefined,
              all,
            );
          continue;
        }
        const e = this.instances.get(top.instanceId)!;
        this.commandInto(e, (run) => cmd.fireDueTimers(run, top.dueAt), all, now);
      }
      this.flush(all);
      return { ok: true, events: all };
    } catch (e) {
      return toFailure(e);
    }
  }

  /** Fires the due timers of one instance only (a host that fires timers instance by instance). */
  fireInstanceTimers(instanceId: string, now: number): CommandResult {
    const e = this.instances.get(instanceId);
    if (!e) return fail('INSTANCE_NOT_FOUND', `no process instance '${instanceId}'`);
    const all: EngineEvent[] = [];
    try {
      this.commandInto(e, (run) => cmd.fireDueTimers(run, now), all, now);
      this.flush(all);
      return { ok: true, events: all };
    } catch (err) {
      this.flush(all);
      return toFailure(err);
    }
  }

  /** Timer start events scheduled now (the latest version of each process), for a durable host. */
  timerStarts(): TimerStartView[] {
    return this.starts.timerStartList();
  }

  /**
   * Sets a timer start's schedule from what a durable host saved (`null`: fired for good, e.g. a
   * one-off date). Answers false when the id is not scheduled (a newer version replaced it).
   */
  restoreTimerStart(
    id: string,
    saved: { dueAt: number; remaining?: number | null } | null,
  ): boolean {
    return this.starts.restoreTimerStart(id, saved, this.timers);
  }

  /**
   * Fires one timer start event if it is due by `now`: starts an instance and reschedules a cycle.
   * `instanceId` is absent when it was not due or no longer scheduled.
   */
  fireTimerStart(id: string, now: number): CommandResult & { instanceId?: string } {
    const dueAt = this.starts.timerStartDue(id);
    if (dueAt === undefined || dueAt > now) return { ok: true, events: [] };
    const all: EngineEvent[] = [];
    try {
      const fired = this.starts.fireTimerStart(id, dueAt, this.timers);
      if (!fired) return { ok: true, events: [] };
      const instanceId = this.startVersion(
        fired.version,
        { startEventId: fired.eventId, triggered: {} },
        undefined,
        all,
      );
      this.flush(all);
      return { ok: true, events: all, instanceId };
    } catch (err) {
      this.flush(all);
      return toFailure(err);
    }
  }

  // ---------------------------------------------------------------- internals

  private ctx(now?: number) {
    return { now: now ?? this.clock(), newInstanceId: this.newInstanceId };
  }

  private runFor(e: InstanceEntry): Run {
    return new Run(e.state, e.version.model, this.ctx());
  }

  private timerLive(instanceId: string, timerId: string, dueAt: number): boolean {
    if (instanceId === '') return this.starts.timerLive(timerId, dueAt);
    const t = this.instances.get(instanceId)?.state.timers[timerId];
    return !!t && t.dueAt === dueAt;
  }

  private unknownWorkItem(id: string, what: 'TASK' | 'JOB'): CommandResult {
    const dot = id.lastIndexOf('.');
    const e = dot > 0 ? this.instances.get(id.slice(0, dot)) : undefined;
    const key = Number(id.slice(dot + 1));
    if (e && Number.isInteger(key) && key < e.state.nextKey) {
      return fail(
        `${what}_NOT_ACTIVE` as EngineErrorCode,
        `${what.toLowerCase()} '${id}' is no longer open`,
      );
    }
    return fail(`${what}_NOT_FOUND` as EngineErrorCode, `no ${what.toLowerCase()} '${id}'`);
  }

  private jobCommand(jobKey: string, fn: (run: Run) => void): CommandResult {
    const instanceId = this.jobIndex.get(jobKey);
    if (!instanceId) return this.unknownWorkItem(jobKey, 'JOB');
    return this.command(instanceId, fn);
  }

  private command(instanceId: string, fn: (run: Run) => void): CommandResult {
    const e = this.instances.get(instanceId);
    if (!e) return fail('INSTANCE_NOT_FOUND', `no process instance '${instanceId}'`);
    const all: EngineEvent[] = [];
    try {
      this.commandInto(e, fn, all);
      this.flush(all);
      return { ok: true, events: all };
    } catch (err) {
      this.flush(all);
      return toFailure(err);
    }
  }

  private commandInto(
    e: InstanceEntry,
    fn: (run: Run) => void,
    sink: EngineEvent[],
    now?: number,
  ): void {
    const run = new Run(e.state, e.version.model, this.ctx(now));
    const effects: Effect[] = [];
    fn(run);
    this.absorb(e, run, sink, effects);
    this.processEffects(effects, sink);
  }

  /** Appends a run's events to the log and keeps the cross-instance indexes in step. */
  private absorb(e: InstanceEntry, run: Run, sink: EngineEvent[], effects: Effect[]): void {
    const id = e.state.id;
    for (const ev of run.events) {
      e.events.push(ev);
      sink.push(ev);
      // Payload shapes are fixed per event type (see apply-event.ts); read them untyped here.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const p = ev.payload as Record<string, any>;
      switch (ev.type) {
        case 'task.created':
          this.taskIndex.set(p.task.id, id);
          break;
        case 'task.completed':
        case 'task.cancelled':
          this.taskIndex.delete(p.taskId);
          break;
        case 'job.created':
          this.jobIndex.set(p.job.key, id);
          break;
        case 'job.completed':
        case 'job.cancelled':
          this.jobIndex.delete(p.jobKey);
          break;
        case 'subscription.opened':
          this.addSub(id, p.subscription.id, `${p.subscription.channel}|${p.subscription.name}`);
          break;
        case 'subscription.closed':
          this.removeSub(id, p.subscriptionId);
          break;
        case 'timer.scheduled':
          this.timers.push({ dueAt: p.timer.dueAt, instanceId: id, timerId: p.timer.id });
          break;
        case 'timer.fired':
          if (p.next) this.timers.push({ dueAt: p.next.dueAt, instanceId: id, timerId: p.timerId });
          break;
        default:
          break;
      }
    }
    effects.push(...run.effects);
    if (e.state.status !== 'active' && !this.retainFinished) this.forget(e);
  }

  private indexState(e: InstanceEntry): void {
    const id = e.state.id;
    for (const t of Object.keys(e.state.tasks)) this.taskIndex.set(t, id);
    for (const j of Object.keys(e.state.jobs)) this.jobIndex.set(j, id);
    for (const s of Object.values(e.state.subscriptions))
      this.addSub(id, s.id, `${s.channel}|${s.name}`);
    for (const t of Object.values(e.state.timers))
      this.timers.push({ dueAt: t.dueAt, instanceId: id, timerId: t.id });
  }

  private forget(e: InstanceEntry): void {
    this.unloadInstance(e.state.id);
  }

  private addSub(instanceId: string, subId: string, name: string): void {
    const k = `${instanceId}\u0000${subId}`;
    this.subNames.set(k, name);
    let m = this.subsByName.get(name);
    if (!m) this.subsByName.set(name, (m = new Map()));
    m.set(instanceId, (m.get(instanceId) ?? 0) + 1);
  }

  private removeSub(instanceId: string, subId: string): void {
    const k = `${instanceId}\u0000${subId}`;
    const name = this.subNames.get(k);
    if (name === undefined) return;
    this.subNames.delete(k);
    const m = this.subsByName.get(name);
    if (!m) return;
    const n = (m.get(instanceId) ?? 1) - 1;
    if (n > 0) m.set(instanceId, n);
    else m.delete(instanceId);
    if (m.size === 0) this.subsByName.delete(name);
  }

  private deliverSignal(
    name: string,
    variables: Variables,
    originInstanceId: string | undefined,
    sink: EngineEvent[],
  ): void {
    const ids = [...(this.subsByName.get(`signal|${name}`)?.keys() ?? [])];
    for (const instanceId of ids) {
      if (instanceId === originInstanceId) continue; // already delivered inside the thrower's command
      const e = this.instances.get(instanceId);
      if (!e || e.state.status !== 'active') continue;
      this.commandInto(e, (run) => void cmd.receiveSignal(run, name, variables), sink);
    }
    for (const start of this.starts.signalStarts(name)) {
      this.startVersion(
        start.version,
        { startEventId: start.eventId, triggered: variables, variables },
        undefined,
        sink,
      );
    }
  }

  /** Routes what instances asked of each other, in order, until nothing is left. */
  private processEffects(effects: Effect[], sink: EngineEvent[]): void {
    for (let i = 0; i < effects.length; i++) {
      const fx = effects[i]!;
      switch (fx.type) {
        case 'startChild': {
          const parent = this.instances.get(fx.parentInstanceId);
          const version = this.resolveCalled(fx, parent?.version);
          if (!version) {
            if (parent) {
              this.commandInto(
                parent,
                (run) =>
                  run.raiseIncident(
                    new IncidentError(
                      'CALLED_ELEMENT_ERROR',
                      `called process '${fx.processId}' is not deployed`,
                    ),
                    run.el(fx.parentKey),
                    { op: 'enter', key: fx.parentKey },
                  ),
                sink,
              );
            }
            break;
          }
          this.startVersion(
            version,
            { variables: fx.variables, instanceId: fx.childInstanceId },
            { instanceId: fx.parentInstanceId, key: fx.parentKey },
            sink,
          );
          break;
        }
        case 'cancelChild': {
          const child = this.instances.get(fx.childInstanceId);
          if (child && child.state.status === 'active')
            this.commandInto(child, (run) => cmd.cancelInstance(run), sink);
          break;
        }
        case 'childCompleted': {
          const parent = this.instances.get(fx.parentInstanceId);
          if (parent && parent.state.status === 'active') {
            this.commandInto(
              parent,
              (run) => cmd.childCompleted(run, fx.parentKey, fx.variables),
              sink,
            );
          }
          break;
        }
        case 'childThrew': {
          const parent = this.instances.get(fx.parentInstanceId);
          if (parent && parent.state.status === 'active') {
            this.commandInto(
              parent,
              (run) =>
                cmd.childThrew(run, fx.parentKey, fx.kind, fx.code, fx.message, fx.variables),
              sink,
            );
          }
          break;
        }
        case 'signal':
          this.deliverSignal(fx.name, fx.variables, fx.originInstanceId, sink);
          break;
      }
    }
  }

  private resolveCalled(
    fx: Extract<Effect, { type: 'startChild' }>,
    parent: ProcessVersion | undefined,
  ): ProcessVersion | undefined {
    if (fx.bindingType === 'deployment' && parent)
      return this.registry.inDeployment(fx.processId, parent.deploymentId);
    if (fx.bindingType === 'versionTag' && fx.versionTag)
      return this.registry.withVersionTag(fx.processId, fx.versionTag);
    return this.registry.latest(fx.processId);
  }

  private flush(events: EngineEvent[]): void {
    if (this.onEvents && events.length > 0) this.onEvents(events);
  }
}

function fail(code: EngineErrorCode, message: string): { ok: false; error: EngineError } {
  return { ok: false, error: { code, message } };
}

function toFailure(e: unknown): { ok: false; error: EngineError } {
  if (e instanceof EngineCommandError) return fail(e.code, e.message);
  throw e;
}
