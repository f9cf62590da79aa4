/**
 * Static timer values must be ISO 8601 as Zeebe reads them: a duration (`PT5M`, `P1DT2H`), a date
 * time with offset (`2030-01-01T08:00:00Z`, optionally `[Europe/Berlin]`), or a repeating interval
 * (`R3/PT10M`, `R/2030-01-01T08:00:00Z/P1D`). Cycles may also be cron expressions (Zeebe 8.1+).
 */
const NUM = String.raw`\d+(?:[.,]\d+)?`;
const DURATION = new RegExp(
  String.raw`^-?P(?=[\dT])(?:${NUM}Y)?(?:${NUM}M)?(?:${NUM}W)?(?:${NUM}D)?(?:T(?=\d)(?:${NUM}H)?(?:${NUM}M)?(?:${NUM}S)?)?$`,
  // Zeebe parses durations with java.time, which accepts lower-case designators (`PT30s`).
  'i',
);
const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?(?:\[[A-Za-z0-9_/+-]+\])?$/;
const CRON_FIELD = /^[\d*?/,\-A-Za-z#]+$/;

export function isIsoDuration(value: string): boolean {
  return DURATION.test(value.trim());
}

export function isIsoDateTime(value: string): boolean {
  return DATE_TIME.test(value.trim());
}

export function isTimerCycle(value: string): boolean {
  const text = value.trim();
  const parts = text.split('/');
  if (/^R\d*$/.test(parts[0] ?? '') && parts.length >= 2 && parts.length <= 3) {
    const rest = parts.slice(1);
    const durations = rest.filter(isIsoDuration).length;
    const dates = rest.filter(isIsoDateTime).length;
    return durations === 1 && durations + dates === rest.length;
  }
  const fields = text.split(/\s+/);
  return (
    fields.length >= 5 &&
    fields.length <= 7 &&
    fields.every((f) => CRON_FIELD.test(f)) &&
    /[\d*]/.test(text)
  );
}
