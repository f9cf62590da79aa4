import type { EngineEvent } from '../runtime/engine-event.js';
import type { InstanceState } from '../runtime/instance-state.js';
import type { ProcessVersion } from './process-registry.js';
import { SubscriptionIndex } from './subscription-index.js';
import type { TimerQueue } from './timer-queue.js';

/** One instance in memory: its state, its log, and the process version it runs on. */
export interface InstanceEntry {
  state: InstanceState;
  events: EngineEvent[];
  version: ProcessVersion;
}

/**
 * The instances in memory and the cross-instance indexes that find them: task id → instance,
 * job key → instance, message/signal name → waiting instances, and due timers (the timer queue).
 * Every event an instance emits passes through `record`, so the indexes never drift from the
 * states; a restored instance is indexed from its state instead.
 */
export class InstanceTable {
  private readonly instances = new Map<string, InstanceEntry>();
  private readonly taskOwners = new Map<string, string>();
  private readonly jobOwners = new Map<string, string>();
  readonly subscriptions = new SubscriptionIndex();

  constructor(
    private readonly timers: TimerQueue,
    /** Keep finished instances (state and log) in memory; else drop them when they end. */
    private readonly retainFinished: boolean,
  ) {}

  get(instanceId: string): InstanceEntry | undefined {
    return this.instances.get(instanceId);
  }

  has(instanceId: string): boolean {
    return this.instances.has(instanceId);
  }

  /** Every instance, or only `instanceId` when given (a missing one gives none). */
  entries(instanceId?: string): Iterable<InstanceEntry> {
    if (instanceId === undefined || instanceId === '') return this.instances.values();
    const e = this.instances.get(instanceId);
    return e ? [e] : [];
  }

  taskOwner(taskId: string): string | undefined {
    return this.taskOwners.get(taskId);
  }

  jobOwner(jobKey: string): string | undefined {
    return this.jobOwners.get(jobKey);
  }

  /** A new instance: its indexes follow from the events `record` sees. */
  add(entry: InstanceEntry): void {
    this.instances.set(entry.state.id, entry);
  }

  /** A reloaded instance: indexed from its state, as no events replay here. */
  restore(entry: InstanceEntry): void {
    const id = entry.state.id;
    this.instances.set(id, entry);
    const { tasks, jobs, subscriptions, timers } = entry.state;
    for (const t of Object.keys(tasks)) this.taskOwners.set(t, id);
    for (const j of Object.keys(jobs)) this.jobOwners.set(j, id);
    for (const s of Object.values(subscriptions))
      this.subscriptions.add(id, s.id, s.channel, s.name);
    for (const t of Object.values(timers))
      this.timers.push({ dueAt: t.dueAt, instanceId: id, timerId: t.id });
  }

  /** Drops an instance and its index entries; its timer queue entries die lazily when due. */
  remove(instanceId: string): boolean {
    const e = this.instances.get(instanceId);
    if (!e) return false;
    for (const t of Object.keys(e.state.tasks)) this.taskOwners.delete(t);
    for (const j of Object.keys(e.state.jobs)) this.jobOwners.delete(j);
    for (const s of Object.keys(e.state.subscriptions)) this.subscriptions.remove(instanceId, s);
    this.instances.delete(instanceId);
    return true;
  }

  /** Appends a command's events to the instance's log and to `sink`, keeping the indexes in step. */
  record(e: InstanceEntry, events: readonly EngineEvent[], sink: EngineEvent[]): void {
    const id = e.state.id;
    for (const ev of events) {
      e.events.push(ev);
      sink.push(ev);
      // Payload shapes are fixed per event type (see apply-event.ts); read them untyped here.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const p = ev.payload as Record<string, any>;
      switch (ev.type) {
        case 'task.created':
          this.taskOwners.set(p.task.id, id);
          break;
        case 'task.completed':
        case 'task.cancelled':
          this.taskOwners.delete(p.taskId);
          break;
        case 'job.created':
          this.jobOwners.set(p.job.key, id);
          break;
        case 'job.completed':
        case 'job.cancelled':
          this.jobOwners.delete(p.jobKey);
          break;
        case 'subscription.opened':
          this.subscriptions.add(
            id,
            p.subscription.id,
            p.subscription.channel,
            p.subscription.name,
          );
          break;
        case 'subscription.closed':
          this.subscriptions.remove(id, p.subscriptionId);
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
    if (e.state.status !== 'active' && !this.retainFinished) this.remove(id);
  }
}
