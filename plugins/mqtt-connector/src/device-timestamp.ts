/**
 * Below this a number is read as epoch seconds, above as epoch milliseconds: 1e11 s is the year
 * 5138, 1e11 ms is March 1973 — no plant device measures in either.
 */
const SECONDS_BELOW = 1e11;

/**
 * ISO 8601 date and time with an explicit offset (`Z`, `+02:00`, `+0200`). A time without one is
 * refused: JavaScript would read it in the server's time zone, and a reading hours off is worse
 * than a reading marked as received now.
 */
const ISO_WITH_OFFSET =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * When the device says it measured the value (ms since epoch), or undefined when `raw` is not a
 * time: epoch seconds or milliseconds (number or numeric text, fractions allowed), or ISO 8601
 * with an offset. Zero and negative times are refused (a device without a set clock sends 0).
 */
export function deviceTimestamp(raw: unknown): number | undefined {
  if (typeof raw === 'number') return epochMs(raw);
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return epochMs(Number(text));
  if (!ISO_WITH_OFFSET.test(text)) return undefined;
  // Date.parse wants `T`, `.` and `+hh:mm`; ISO 8601 also allows ` `, `,`, `+hhmm` and `+hh`.
  const iso = text
    .toUpperCase()
    .replace(' ', 'T')
    .replace(',', '.')
    .replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
    .replace(/([+-]\d{2})$/, '$1:00');
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function epochMs(n: number): number | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return Math.round(n < SECONDS_BELOW ? n * 1000 : n);
}
