import { daysInMonth, utcMidnight } from './parse-duration.js';
import { TimerDefinitionError, quoteValue } from './timer-definition-error.js';

// Hand-parsed for the same reasons as durations (see parse-duration.ts): a small grammar, exact
// control over what is accepted, and no installed dependency doing it the way Zeebe does.

// YYYY-MM-DDTHH:mm[:ss[.fff]] then an offset (Z, ±HH:MM, ±HHMM, ±HH), then optionally a zone in
// brackets (java.time's ZonedDateTime text) or after `@` (FEEL/feelin's text for zoned values).
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?(?:\[([^\]]+)\]|@(\S+))?$/;

/**
 * Parses an ISO 8601 date-time into ms since the epoch. An offset (`Z` or `±HH:MM`) is required:
 * without it the instant is ambiguous. A zone suffix (`[Europe/Berlin]` as Zeebe/java.time writes it,
 * or feelin's `@Europe/Berlin`) is accepted and ignored when an offset is given, since the offset
 * alone fixes the instant. Zone names without an offset are refused: resolving them needs the tz
 * database rules at that date, which this pure library does not carry.
 * @throws TimerDefinitionError
 */
export function parseDateTime(text: string): number {
  const trimmed = text.trim();
  const match = DATE_TIME.exec(trimmed);
  if (!match) {
    throw new TimerDefinitionError(
      text,
      `invalid ISO 8601 date-time ${quoteValue(text)} (expected e.g. 2024-05-01T08:00:00Z or 2024-05-01T08:00:00+02:00)`,
    );
  }
  const [, y, mo, d, h, mi, s, fraction, offset, bracketZone, atZone] = match;
  const zone = bracketZone ?? atZone;
  if (offset === undefined) {
    throw new TimerDefinitionError(
      text,
      zone === undefined
        ? `date-time ${quoteValue(text)} has no UTC offset; add Z or an offset such as +02:00`
        : `date-time ${quoteValue(text)} names zone '${zone}' without an offset; zone names are not resolved, add an offset such as +02:00`,
    );
  }
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month - 1) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new TimerDefinitionError(
      text,
      `date-time ${quoteValue(text)} is not a valid calendar time`,
    );
  }
  const millis = fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 1000);
  const local =
    utcMidnight(year, month - 1, day) + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis;
  return local - parseOffsetMinutes(offset, text) * 60_000;
}

/** `Z` → 0, `+05:30` / `+0530` / `+05` → 330 / 330 / 300; at most ±18:00 like java.time. */
function parseOffsetMinutes(offset: string, text: string): number {
  if (offset === 'Z' || offset === 'z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (minutes > 59 || hours * 60 + minutes > 18 * 60) {
    throw new TimerDefinitionError(
      text,
      `date-time ${quoteValue(text)} has an invalid offset ${offset}`,
    );
  }
  return sign * (hours * 60 + minutes);
}
