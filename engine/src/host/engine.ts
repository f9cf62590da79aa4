import type { EngineEvent } from '../runtime/engine-event.js';
import { applyEvent } from '../runtime/apply-event.js';
import { assignTask } from '../runtime/assign-task.js';
import * as cmd from '../runtime/commands.js';
import { EngineCommandError } from '../runtime/engine-error.js';
import { emptyInstanceState, type InstanceState } from '../runtime/instance-state.js';
import { migrateInstance } from '../runtime/migrate-instance.js';
import type { Run } from '../runtime/run.js';
import { upgradeState } from '../runtime/upgrade-state.js';
import { collectEvents, fail, instanceNotFound, type Collected } from './command-outcome.js';
import { readDeployment } from './deployment-reader.js';
import { DeploymentStore } from './deployment-store.js';
import { EffectRouter } from './effect-router.js';
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
import { InstanceRunner } from './instance-runner.js';
import { InstanceTable } from './instance-table.js';
import { MessageCorrelation } from './message-correlation.js';
import { SignalDelivery } from './signal-delivery.js';
import { StartEventRegistry, type TimerStartView } from './start-event-registry.js';
import { TimerFiring } from './timer-firing.js';
import { TimerQueue } from './timer-queue.js';
import { instanceView } from './views.js';
import { WorkQueries } from './work-queries.js';
import { unknownWorkItem } from './work-item-lookup.js';

/**
 * An in-memory engine: deployments, instances and the routing between them (call activities,
 * signals, messages, timers). Pure: time comes from the injected clock, ids from counters, and
 * nothing is read or written outside memory. The runtime service persists the same events.
 *
 * A façade: each job is a collaborator of its own (deployment store, instance table and its
 * indexes, instance runner, effect router, message correlation, signal delivery, timer firing,
 * queries); the methods here check arguments, pick the instance and shape the answer.
 */
export class Engine {
  private readonly clock: () => number;
  private readonly onEvents: ((events: readonly EngineEvent[]) => void) | undefined;
  private readonly deployments = new DeploymentStore();
  private readonly starts = new StartEventRegistry();
  private readonly timers = new TimerQueue();
  private readonly table: InstanceTable;
  private readonly runner: InstanceRunner;
  private readonly messages: MessageCorrelation;
  private readonly signals: SignalDelivery;
  private readonly effects: EffectRouter;
  private readonly timerFiring: TimerFiring;
  private readonly queries: WorkQueries;
  private instanceCounter = 0;

  constructor(options: EngineOptions = {}) {
    this.clock = options.clock ?? (() => 0);
    this.onEvents = options.onEvents;
    const newInstanceId = options.newInstanceId ?? (() => `i${++this.instanceCounter}`);
    const table = new InstanceTable(this.timers, options.retainFinishedInstances ?? true);
    // The runner routes effects through the router, which drives the runner: the router is read
    // only when a command has run, by which time it exists.
    const runner = new InstanceRunner(table, this.clock, newInstanceId, (fx, sink) =>
      this.effects.route(fx, sink),
    );
    this.signals = new SignalDelivery(table, this.starts, runner);
    this.effects = new EffectRouter(table, this.deployments.registry, this.signals, runner);
    this.messages = new MessageCorrelation(table, this.starts, runner);
    this.timerFiring = new TimerFiring(this.timers, table, this.starts, runner);
    this.queries = new WorkQueries(table, (e) => runner.readerFor(e));
    this.table = table;
    this.runner = runner;
  }

  // ---------------------------------------------------------------- deployments

  async deploy(resources: DeploymentResource[]): Promise<DeployResult> {
    const read = await readDeployment(resources);
    return this.deployments.record(read, (version) =>
      this.starts.register(version, this.clock(), this.timers),
    );
  }

  /** A non-BPMN resource (form schema, rule set) of a deployment. */
  getResource(deploymentId: string, name: string): string | undefined {
    return this.deployments.resource(deploymentId, name);
  }

  listProcesses(): Array<{
    id: string;
    key: string;
    version: number;
    name?: string;
    deploymentId: string;
  }> {
    return this.deployments.processes();
  }

  // ---------------------------------------------------------------- instances

  start(processId: string, options: StartOptions = {}): StartResult {
    const version = this.deployments.registry.get(processId, options.version);
    if (!version) {
      return fail(
        'PROCESS_NOT_FOUND',
        `no deployed process '${processId}'${options.version ? ` version ${options.version}` : ''}`,
      );
    }
    const r = this.collect(false, (sink) => this.runner.start(version, options, undefined, sink));
    return r.ok ? { ok: true, instanceId: r.value, events: r.events } : r;
  }

  getInstance(id: string): InstanceView | undefined {
    const e = this.table.get(id);
    return e ? instanceView(e.state) : undefined;
  }

  listInstances(
    filter: { processId?: string; state?: InstanceView['state'] } = {},
  ): InstanceView[] {
    return this.queries.instances(filter);
  }

  getEvents(id: string): EngineEvent[] {
    return [...(this.table.get(id)?.events ?? [])];
  }

  /** Plain-JSON snapshot of an instance's state (carries `schemaVersion`). */
  getState(id: string): InstanceState | undefined {
    const e = this.table.get(id);
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
    const version = this.deployments.registry.byProcessKey(state.processKey);
    if (!version)
      throw new EngineCommandError(
        'PROCESS_NOT_FOUND',
        `process version '${state.processKey}' is not deployed`,
      );
    this.table.restore({ state, events: [...events], version });
  }

  /**
   * Drops an instance from memory (a persisting host reloads it with restoreInstance when a
   * command needs it). Its state and log are unchanged wherever the host keeps them.
   */
  unloadInstance(instanceId: string): boolean {
    return this.table.remove(instanceId);
  }

  cancel(instanceId: string): CommandResult {
    return this.command(instanceId, (run) => cmd.cancelInstance(run));
  }

  /**
   * Moves a waiting instance to another deployed version of its process (`targetProcessKey` like
   * `permit:2`). Refused with MIGRATION_INVALID when an element it is at is missing there.
   */
  migrateInstance(instanceId: string, targetProcessKey: string): CommandResult {
    const e = this.table.get(instanceId);
    if (!e) return instanceNotFound(instanceId);
    const target = this.deployments.registry.byProcessKey(targetProcessKey);
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
    return this.queries.openTasks(filter);
  }

  getTask(taskId: string): UserTaskView | undefined {
    return this.queries.task(taskId);
  }

  completeTask(taskId: string, variables?: Variables): CommandResult {
    return this.taskCommand(taskId, (run) => cmd.completeTask(run, taskId, variables));
  }

  /** Claims (a user), reassigns, or unclaims (`null`) an open user task. */
  assignTask(taskId: string, assignee: string | null): CommandResult {
    return this.taskCommand(taskId, (run) => assignTask(run, taskId, assignee));
  }

  // ---------------------------------------------------------------- jobs

  activatableJobs(filter: { type?: string; instanceId?: string } = {}): JobView[] {
    return this.queries.activatableJobs(filter, this.clock());
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
    return this.queries.incidents(filter);
  }

  resolveIncident(incidentId: string, options: { variables?: Variables } = {}): CommandResult {
    const instanceId = incidentId.slice(0, incidentId.lastIndexOf('.inc'));
    if (!this.table.get(instanceId)?.state.incidents[incidentId]) {
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
    const r = this.collect(false, (sink) => this.messages.correlate(message, sink));
    return r.ok ? { ok: true, correlated: r.value, events: r.events } : r;
  }

  broadcastSignal(name: string, variables?: Variables): CommandResult {
    return this.answer(
      this.collect(false, (sink) => this.signals.deliver(name, variables ?? {}, undefined, sink)),
    );
  }

  nextTimerDue(): number | undefined {
    return this.timerFiring.nextDue();
  }

  /** Fires every timer due at or before `now`, earliest first (timer start events included). */
  fireDueTimers(now: number): CommandResult {
    return this.answer(this.collect(false, (sink) => this.timerFiring.fireDue(now, sink)));
  }

  /** Fires the due timers of one instance only (a host that fires timers instance by instance). */
  fireInstanceTimers(instanceId: string, now: number): CommandResult {
    return this.command(instanceId, (run) => cmd.fireDueTimers(run, now), now);
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
    const r = this.collect(true, (sink) => this.timerFiring.fireTimerStart(id, now, sink));
    if (!r.ok) return r;
    return r.value === undefined
      ? { ok: true, events: r.events }
      : { ok: true, events: r.events, instanceId: r.value };
  }

  // ---------------------------------------------------------------- internals

  private collect<T>(flushOnError: boolean, body: (sink: EngineEvent[]) => T): Collected<T> {
    return collectEvents(this.onEvents, flushOnError, body);
  }

  private answer(r: Collected<unknown>): CommandResult {
    return r.ok ? { ok: true, events: r.events } : r;
  }

  private taskCommand(taskId: string, fn: (run: Run) => void): CommandResult {
    const instanceId = this.table.taskOwner(taskId);
    if (!instanceId) return unknownWorkItem(this.table, taskId, 'TASK');
    return this.command(instanceId, fn);
  }

  private jobCommand(jobKey: string, fn: (run: Run) => void): CommandResult {
    const instanceId = this.table.jobOwner(jobKey);
    if (!instanceId) return unknownWorkItem(this.table, jobKey, 'JOB');
    return this.command(instanceId, fn);
  }

  /** A command on one instance; what it changed is reported even when it is then refused. */
  private command(instanceId: string, fn: (run: Run) => void, now?: number): CommandResult {
    const e = this.table.get(instanceId);
    if (!e) return instanceNotFound(instanceId);
    return this.answer(this.collect(true, (sink) => this.runner.run(e, fn, sink, now)));
  }
}
