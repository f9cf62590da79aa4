import type { TimerDef } from '../model/event-trigger.js';
import { parseCycle } from './parse-cycle.js';
import { type Duration, addDuration, parseDuration } from './parse-duration.js';
import { parseDateTime } from './parse-date.js';
import { TimerDefinitionError, quoteValue } from './timer-definition-error.js';

/** State carried from one firing of a cycle timer to the next. */
export interface CycleState {
  /**
   * Firings still to come after the one at `dueAt`; `null` = infinite. `R3/PT1M` resolves to
   * `remaining: 2` (this firing plus two more).
   */
  readonly remaining: number | null;
  readonly interval: Duration;
}

/** When a timer is due, and for cycles what follows. */
export interface TimerSchedule {
  /** Due time in ms since the epoch. */
  readonly dueAt: number;
  readonly cycle?: CycleState;
}

/**
 * Computes when a timer is due. `value` is the timer's text after evaluation: the static string or
 * the FEEL result (already an ISO string for FEEL durations and date-times, see evaluateExpr).
 * - duration: `now + duration` (calendar arithmetic in UTC)
 * - date: the instant itself, even if it is in the past (the timer is then due at once, as in Zeebe)
 * - cycle: the first due time (start, or now + interval) and the repetitions that follow
 * @throws TimerDefinitionError naming the bad value
 */
export function resolveTimer(def: TimerDef, value: unknown, now: number): TimerSchedule {
  if (typeof value !== 'string') {
    throw new TimerDefinitionError(
      value,
      `timer ${def.kind} must be an ISO 8601 string but got ${quoteValue(value)}`,
    );
  }
  switch (def.kind) {
    case 'duration':
      return { dueAt: addDuration(now, parseDuration(value)) };
    case 'date':
      return { dueAt: parseDateTime(value) };
    case 'cycle': {
      const cycle = parseCycle(value);
      const dueAt = cycle.start ?? addDuration(now, cycle.interval);
      const remaining = cycle.repetitions === null ? null : cycle.repetitions - 1;
      return { dueAt, cycle: { remaining, interval: cycle.interval } };
    }
  }
}

/**
 * The firing after one that was due at `previousDueAt`, or `null` when the cycle is exhausted.
 * Scheduling from the previous due time (not from when it actually fired) keeps the rhythm
 * stable even when the host delivers timers late.
 */
export function nextCycle(previousDueAt: number, cycle: CycleState): TimerSchedule | null {
  if (cycle.remaining !== null && cycle.remaining <= 0) return null;
  return {
    dueAt: addDuration(previousDueAt, cycle.interval),
    cycle: {
      remaining: cycle.remaining === null ? null : cycle.remaining - 1,
      interval: cycle.interval,
    },
  };
}
