import { type Duration, isZeroDuration, parseDuration } from './parse-duration.js';
import { parseDateTime } from './parse-date.js';
import { TimerDefinitionError, quoteValue } from './timer-definition-error.js';

// Hand-parsed like durations and dates (see parse-duration.ts for why).

/** A repeating interval: how often, how many times, and optionally from when. */
export interface Cycle {
  /** Number of times the timer fires; `null` = forever (`R/…`). */
  readonly repetitions: number | null;
  readonly interval: Duration;
  /** First due time in ms since the epoch (`R3/<start>/<duration>`); absent = now + interval. */
  readonly start?: number;
}

const REPEAT = /^R(\d*)$/;

/**
 * Parses `R<n>/<duration>`, `R/<duration>` (infinite) and `R<n>/<start>/<duration>`.
 * Not supported, each with a clear error: `R<n>/<duration>/<end>` and `<start>/<end>` forms, and
 * the cron expressions Camunda 8 also accepts in timeCycle (a cron evaluator is a separate piece
 * of work). `R0` is refused since it would never fire; a zero interval is refused since it would
 * fire forever at the same instant.
 * @throws TimerDefinitionError
 */
export function parseCycle(text: string): Cycle {
  const trimmed = text.trim();
  const parts = trimmed.split('/');
  const repeat = REPEAT.exec(parts[0] ?? '');
  if (!repeat) {
    if (/\s/.test(trimmed)) {
      throw new TimerDefinitionError(
        text,
        `cron expressions in timeCycle are not supported yet: ${quoteValue(text)}; use an ISO 8601 repeating interval such as R/PT1H`,
      );
    }
    throw new TimerDefinitionError(
      text,
      `invalid timer cycle ${quoteValue(text)} (expected an ISO 8601 repeating interval such as R5/PT10S, R/P1D or R3/2024-05-01T08:00:00Z/PT1H)`,
    );
  }
  const repetitions = repeat[1] === '' ? null : Number(repeat[1]);
  if (repetitions !== null && (repetitions < 1 || !Number.isSafeInteger(repetitions))) {
    throw new TimerDefinitionError(
      text,
      `timer cycle ${quoteValue(text)} must repeat at least once`,
    );
  }
  let interval: Duration;
  let start: number | undefined;
  if (parts.length === 2) {
    interval = parseDuration(parts[1]!);
  } else if (parts.length === 3 && /^P/i.test(parts[2]!)) {
    start = parseDateTime(parts[1]!);
    interval = parseDuration(parts[2]!);
  } else if (parts.length === 3 && /^P/i.test(parts[1]!)) {
    throw new TimerDefinitionError(
      text,
      `timer cycle ${quoteValue(text)}: the R<n>/<duration>/<end> form is not supported; use R<n>/<start>/<duration>`,
    );
  } else {
    throw new TimerDefinitionError(text, `invalid timer cycle ${quoteValue(text)}`);
  }
  if (isZeroDuration(interval)) {
    throw new TimerDefinitionError(text, `timer cycle ${quoteValue(text)} has a zero interval`);
  }
  return start === undefined ? { repetitions, interval } : { repetitions, interval, start };
}
