import { TimerDefinitionError, quoteValue } from './timer-definition-error.js';

// ISO 8601 is hand-parsed here on purpose: the grammar we need is small, we want exact control over
// what is accepted (Zeebe's subset, negative durations refused), and none of the installed
// dependencies covers durations + repeating intervals + calendar arithmetic in UTC the way Zeebe
// (java.time Period + Duration) does.

/**
 * An ISO 8601 duration split the way java.time does: a calendar part (years, months, days — added
 * with calendar rules) and an exact time part. Weeks are folded into days (`P2W` = 14 days).
 * Seconds may be fractional; all fields are non-negative.
 */
export interface Duration {
  readonly years: number;
  readonly months: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

// P[nY][nM][nW][nD][T[nH][nM][n[.,fff]S]] — integers everywhere, a fraction only on seconds
// (java.time's rule). Case-insensitive like java.time.
const DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d{1,9})?)S)?)?$/i;

/** Largest component we accept: beyond this, date arithmetic leaves the range of a JS Date. */
const MAX_COMPONENT = 1_000_000_000;

/**
 * Parses an ISO 8601 duration such as `PT15M`, `P1Y2M3DT4H`, `P2W` or `PT0.5S`.
 * @throws TimerDefinitionError for anything else, including negative durations (`-PT1S`, `PT-1S`)
 */
export function parseDuration(text: string): Duration {
  const trimmed = text.trim();
  if (/^-|[-+]\d/.test(trimmed)) {
    throw new TimerDefinitionError(
      text,
      `negative durations are not supported: ${quoteValue(text)}`,
    );
  }
  const match = DURATION.exec(trimmed);
  // "P" alone and "PT" with no component are invalid in ISO 8601 and in java.time.
  if (!match || trimmed.length <= 1 || /T$/i.test(trimmed)) {
    throw new TimerDefinitionError(
      text,
      `invalid ISO 8601 duration ${quoteValue(text)} (expected e.g. PT15M, P1DT2H, P2W)`,
    );
  }
  const int = (group: string | undefined): number => (group === undefined ? 0 : Number(group));
  const duration: Duration = {
    years: int(match[1]),
    months: int(match[2]),
    days: int(match[3]) * 7 + int(match[4]),
    hours: int(match[5]),
    minutes: int(match[6]),
    seconds: match[7] === undefined ? 0 : Number(match[7].replace(',', '.')),
  };
  for (const value of Object.values(duration)) {
    if (!Number.isFinite(value) || value > MAX_COMPONENT) {
      throw new TimerDefinitionError(text, `duration ${quoteValue(text)} is too large`);
    }
  }
  return duration;
}

/** Whether the duration adds no time at all (e.g. `PT0S`). */
export function isZeroDuration(duration: Duration): boolean {
  return (
    duration.years === 0 &&
    duration.months === 0 &&
    duration.days === 0 &&
    duration.hours === 0 &&
    duration.minutes === 0 &&
    duration.seconds === 0
  );
}

/** Midnight UTC of a calendar day. Unlike Date.UTC, years 0–99 are not mapped to 1900–1999. */
export function utcMidnight(year: number, monthIndex: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}

export function daysInMonth(year: number, monthIndex: number): number {
  return new Date(utcMidnight(year, monthIndex + 1, 0)).getUTCDate();
}

/**
 * Adds a duration to an instant with java.time's rules in UTC: years and months first, clamping
 * the day to the end of the target month (Jan 31 + P1M = Feb 28/29), then days, then the exact time
 * part. Sub-millisecond fractions of seconds are rounded to the nearest millisecond.
 * @throws TimerDefinitionError when the result leaves the range of representable dates
 */
export function addDuration(fromMs: number, duration: Duration): number {
  const from = new Date(fromMs);
  let result = fromMs;
  const totalMonths = duration.years * 12 + duration.months;
  if (totalMonths !== 0) {
    const monthIndex = from.getUTCMonth() + totalMonths;
    const year = from.getUTCFullYear() + Math.floor(monthIndex / 12);
    const month = ((monthIndex % 12) + 12) % 12;
    const day = Math.min(from.getUTCDate(), daysInMonth(year, month));
    const timeOfDay =
      fromMs - utcMidnight(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    result = utcMidnight(year, month, day) + timeOfDay;
  }
  // In UTC every calendar day is exactly 24 hours (no DST), so days can be added as milliseconds.
  result +=
    duration.days * 86_400_000 +
    duration.hours * 3_600_000 +
    duration.minutes * 60_000 +
    Math.round(duration.seconds * 1000);
  if (!Number.isFinite(result) || Math.abs(result) > 8.64e15) {
    throw new TimerDefinitionError(
      formatDuration(duration),
      `adding ${formatDuration(duration)} leaves the supported date range`,
    );
  }
  return result;
}

/** Canonical ISO 8601 text of a duration (weeks appear as days), e.g. for errors and logs. */
export function formatDuration(duration: Duration): string {
  const date =
    (duration.years ? `${duration.years}Y` : '') +
    (duration.months ? `${duration.months}M` : '') +
    (duration.days ? `${duration.days}D` : '');
  const time =
    (duration.hours ? `${duration.hours}H` : '') +
    (duration.minutes ? `${duration.minutes}M` : '') +
    (duration.seconds ? `${duration.seconds}S` : '');
  if (!date && !time) return 'PT0S';
  return `P${date}${time ? `T${time}` : ''}`;
}
