import { date, dateAndTime, FeelDate, type FeelDateTime } from 'feelin';

/** Options shared by the FEEL helpers. */
export interface FeelOptions {
  /**
   * Current time in ms since the epoch for FEEL's `now()` and `today()`. The engine is pure, so the
   * interpreter passes its injected clock here. When omitted, feelin's own built-ins run and read
   * the system clock — acceptable in tests, not in the interpreter (replay must be deterministic).
   */
  readonly now?: number;
}

const WHITESPACE = /\s+/g;
// Separate non-global pattern for tests: a /g regex keeps `lastIndex` state between `test` calls.
const HAS_WHITESPACE = /\s/;

// Whitespace-stripped sources, cached because conditions are evaluated again and again with the
// same text. Bounded: cleared when full, which is cheap and keeps memory flat under hostile input.
const strippedCache = new Map<string, string>();
const STRIPPED_CACHE_LIMIT = 2_000;

function stripWhitespace(source: string): string {
  let stripped = strippedCache.get(source);
  if (stripped === undefined) {
    stripped = source.replace(WHITESPACE, '');
    if (strippedCache.size >= STRIPPED_CACHE_LIMIT) strippedCache.clear();
    strippedCache.set(source, stripped);
  }
  return stripped;
}

/**
 * Whether `name` could be referenced by the FEEL text. FEEL has no dynamic access to the global
 * scope: a variable is only reachable by writing its name, and feelin matches names modulo
 * whitespace (it normalises spaces around `. / - ' + *`). So if the name without whitespace does not
 * occur in the source without whitespace, the variable cannot influence the result. This is a safe
 * over-approximation (false positives only cost a copy).
 */
export function mayReference(source: string, name: string): boolean {
  const stripped = stripWhitespace(source);
  if (name.length === 0) return true;
  return stripped.includes(HAS_WHITESPACE.test(name) ? name.replace(WHITESPACE, '') : name);
}

/**
 * Builds the context handed to feelin. feelin deep-copies (and type-coerces) its whole context on
 * every call and, at parse time, indexes every name in it; with real process variables (lists of
 * readings, large payloads) that cost dominates a simple condition. We therefore pass only the
 * variables the expression can possibly reference (see {@link mayReference}) — the result is
 * identical, the copy is not. When `options.now` is given, `now()`/`today()` are shadowed by
 * functions of the injected clock (feelin resolves context entries before built-ins).
 */
export function toFeelContext(
  source: string,
  variables: Readonly<Record<string, unknown>>,
  options?: FeelOptions,
): Record<string, unknown> {
  const entries: [string, unknown][] = [];
  for (const name of Object.keys(variables)) {
    if (mayReference(source, name)) entries.push([name, variables[name]]);
  }
  const now = options?.now;
  if (now !== undefined) {
    const stripped = stripWhitespace(source);
    if (stripped.includes('now(') && !Object.hasOwn(variables, 'now')) {
      entries.push(['now', () => clockDateTime(now)]);
    }
    if (stripped.includes('today(') && !Object.hasOwn(variables, 'today')) {
      entries.push(['today', () => clockDate(now)]);
    }
  }
  // Object.fromEntries defines own data properties: a variable called `__proto__` stays a variable.
  return Object.fromEntries(entries);
}

/** The injected clock as a FEEL date-and-time in UTC (Zeebe runs its clock in UTC by default). */
function clockDateTime(now: number): FeelDateTime | null {
  return Number.isFinite(now) ? dateAndTime(new Date(now).toISOString()) : null;
}

/** The UTC calendar day of the injected clock as a FEEL date. */
function clockDate(now: number): FeelDate | null {
  if (!Number.isFinite(now)) return null;
  const day = date(new Date(now).toISOString().slice(0, 10));
  return day instanceof FeelDate ? day : null;
}
