import * as cmd from '../runtime/commands.js';
import type { EngineEvent } from '../runtime/engine-event.js';
import type { InstanceDriver } from './instance-driver.js';
import type { InstanceTable } from './instance-table.js';
import type { StartEventRegistry } from './start-event-registry.js';
import type { TimerEntry, TimerQueue } from './timer-queue.js';

/**
 * Fires what the timer queue says is due: instance timers (intermediate, boundary, event
 * sub-process) and timer start events. The queue deletes lazily, so every entry is checked
 * against the live schedule first: a cancelled or rescheduled timer never fires from a stale
 * entry. Time is whatever the host says it is (`now`); the engine never reads a clock here.
 */
export class TimerFiring {
  constructor(
    private readonly queue: TimerQueue,
    private readonly table: InstanceTable,
    private readonly starts: StartEventRegistry,
    private readonly driver: InstanceDriver,
  ) {}

  /** The earliest live due time (dropping stale entries on the way). */
  nextDue(): number | undefined {
    for (;;) {
      const top = this.queue.peek();
      if (!top) return undefined;
      if (this.live(top)) return top.dueAt;
      this.queue.pop();
    }
  }

  /** Fires everything due at or before `now`, earliest first. */
  fireDue(now: number, sink: EngineEvent[]): void {
    for (let guard = 0; guard < 1_000_000; guard++) {
      const top = this.queue.peek();
      if (!top || top.dueAt > now) break;
      this.queue.pop();
      if (!this.live(top)) continue;
      if (top.instanceId === '') {
        this.startFromTimer(top.timerId, top.dueAt, sink);
        continue;
      }
      const e = this.table.get(top.instanceId)!;
      this.driver.run(e, (run) => cmd.fireDueTimers(run, top.dueAt), sink, now);
    }
  }

  /**
   * Fires one timer start event if it is due by `now` (a host firing them one by one): answers
   * the started instance, or undefined when it was not due or is no longer scheduled.
   */
  fireTimerStart(id: string, now: number, sink: EngineEvent[]): string | undefined {
    const dueAt = this.starts.timerStartDue(id);
    if (dueAt === undefined || dueAt > now) return undefined;
    return this.startFromTimer(id, dueAt, sink);
  }

  /** Reschedules the timer start's cycle (if any) and starts an instance at it. */
  private startFromTimer(id: string, dueAt: number, sink: EngineEvent[]): string | undefined {
    const fired = this.starts.fireTimerStart(id, dueAt, this.queue);
    return fired ? this.driver.startAtEvent(fired, {}, undefined, sink) : undefined;
  }

  /** Timer start entries have no instance id. */
  private live({ instanceId, timerId, dueAt }: TimerEntry): boolean {
    if (instanceId === '') return this.starts.timerLive(timerId, dueAt);
    const t = this.table.get(instanceId)?.state.timers[timerId];
    return !!t && t.dueAt === dueAt;
  }
}
