import type { ProcessVersion } from './process-registry.js';
import type { TimerQueue } from './timer-queue.js';
import { evalValue, evalString } from '../runtime/expressions.js';
import { scheduleTimer, nextTimerDue } from '../runtime/timer-schedule.js';

/** A scheduled timer start event (`remaining`: cycle repetitions left, null = unbounded). */
export interface TimerStartView {
  id: string;
  processId: string;
  processKey: string;
  eventId: string;
  dueAt: number;
  remaining?: number | null;
}

interface StartRef {
  version: ProcessVersion;
  eventId: string;
}

interface TimerStart extends StartRef {
  dueAt: number;
  cycle?: { remaining: number | null; interval: unknown };
}

/**
 * Message, signal and timer start events of the latest version of each process: deploying a new
 * version replaces the previous version's start events, as in Camunda.
 */
export class StartEventRegistry {
  private readonly messages = new Map<string, StartRef[]>();
  private readonly signals = new Map<string, StartRef[]>();
  private readonly timerStarts = new Map<string, TimerStart>();

  register(version: ProcessVersion, now: number, queue: TimerQueue): void {
    const pid = version.processId;
    for (const map of [this.messages, this.signals]) {
      for (const [name, list] of map) {
        const kept = list.filter((r) => r.version.processId !== pid);
        if (kept.length > 0) map.set(name, kept);
        else map.delete(name);
      }
    }
    for (const [id, t] of this.timerStarts)
      if (t.version.processId === pid) this.timerStarts.delete(id);
    for (const eventId of version.model.root.triggeredStartIds) {
      const node = version.model.nodes.get(eventId);
      const trigger = node?.trigger;
      if (!trigger) continue;
      if (trigger.type === 'message' || trigger.type === 'signal') {
        const name = evalString(trigger.name, {}, `name of start event '${eventId}'`, now);
        const map = trigger.type === 'message' ? this.messages : this.signals;
        const list = map.get(name) ?? [];
        list.push({ version, eventId });
        map.set(name, list);
      } else if (trigger.type === 'timer') {
        const value = evalValue(trigger.timer.expr, {}, `timer of start event '${eventId}'`, now);
        const s = scheduleTimer(trigger.timer, value, now, eventId);
        const id = `${version.key}:${eventId}`;
        this.timerStarts.set(id, {
          version,
          eventId,
          dueAt: s.dueAt,
          ...(s.cycle ? { cycle: s.cycle } : {}),
        });
        queue.push({ dueAt: s.dueAt, instanceId: '', timerId: id });
      }
    }
  }

  messageStarts(name: string): StartRef[] {
    return this.messages.get(name) ?? [];
  }

  signalStarts(name: string): StartRef[] {
    return this.signals.get(name) ?? [];
  }

  /** The scheduled timer start events, for a host that keeps them durable. */
  timerStartList(): TimerStartView[] {
    return [...this.timerStarts].map(([id, t]) => ({
      id,
      processId: t.version.processId,
      processKey: t.version.key,
      eventId: t.eventId,
      dueAt: t.dueAt,
      ...(t.cycle ? { remaining: t.cycle.remaining } : {}),
    }));
  }

  /**
   * Replaces a timer start's schedule with the one a host saved (`null`: it fired for good), so a
   * restart neither re-fires a one-off date nor restarts a cycle. Unknown ids (a newer version
   * replaced them) are ignored: answers whether the id is known.
   */
  restoreTimerStart(
    id: string,
    saved: { dueAt: number; remaining?: number | null } | null,
    queue: TimerQueue,
  ): boolean {
    const t = this.timerStarts.get(id);
    if (!t) return false;
    if (saved === null) {
      this.timerStarts.delete(id);
      return true;
    }
    t.dueAt = saved.dueAt;
    if (t.cycle && saved.remaining !== undefined)
      t.cycle = { remaining: saved.remaining, interval: t.cycle.interval };
    queue.push({ dueAt: t.dueAt, instanceId: '', timerId: id });
    return true;
  }

  /** The due time of a scheduled timer start, if it is scheduled. */
  timerStartDue(id: string): number | undefined {
    return this.timerStarts.get(id)?.dueAt;
  }

  timerLive(id: string, dueAt: number): boolean {
    return this.timerStarts.get(id)?.dueAt === dueAt;
  }

  /** A timer start fell due: reschedule its cycle (if any) and say what to start. */
  fireTimerStart(id: string, dueAt: number, queue: TimerQueue): StartRef | undefined {
    const t = this.timerStarts.get(id);
    if (!t || t.dueAt !== dueAt) return undefined;
    if (t.cycle && (t.cycle.remaining === null || t.cycle.remaining > 0)) {
      t.dueAt = nextTimerDue(dueAt, t.cycle.interval);
      t.cycle = {
        remaining: t.cycle.remaining === null ? null : t.cycle.remaining - 1,
        interval: t.cycle.interval,
      };
      queue.push({ dueAt: t.dueAt, instanceId: '', timerId: id });
    } else {
      this.timerStarts.delete(id);
    }
    return t;
  }
}
