// Timer definitions (ISO 8601 durations, date-times and repeating intervals) → due times, in UTC.
export {
  type Duration,
  parseDuration,
  addDuration,
  formatDuration,
  isZeroDuration,
} from './parse-duration.js';
export { parseDateTime } from './parse-date.js';
export { type Cycle, parseCycle } from './parse-cycle.js';
export { type CycleState, type TimerSchedule, resolveTimer, nextCycle } from './resolve-timer.js';
export { TimerDefinitionError } from './timer-definition-error.js';
