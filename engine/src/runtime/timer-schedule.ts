import type { TimerDef } from '../model/event-trigger.js';
import { addDuration, resolveTimer, TimerDefinitionError, type Duration } from '../timers/index.js';
import { IncidentError } from './incident-error.js';

/** Due time of a timer; a bad timer value becomes an incident naming the element. */
export function scheduleTimer(
  def: TimerDef,
  value: unknown,
  now: number,
  elementId: string,
): { dueAt: number; cycle?: { remaining: number | null; interval: Duration } } {
  try {
    const s = resolveTimer(def, value, now);
    return s.cycle
      ? { dueAt: s.dueAt, cycle: { remaining: s.cycle.remaining, interval: s.cycle.interval } }
      : { dueAt: s.dueAt };
  } catch (e) {
    if (e instanceof TimerDefinitionError) {
      throw new IncidentError('EXTRACT_VALUE_ERROR', `timer of '${elementId}': ${e.message}`);
    }
    throw e;
  }
}

/** The next firing of a cycle, counted from the previous due time so the rhythm stays stable. */
export function nextTimerDue(previousDueAt: number, interval: unknown): number {
  return addDuration(previousDueAt, interval as Duration);
}
