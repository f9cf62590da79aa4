/**
 * A path into a JSON payload: dot-separated field names with optional array indexes —
 * `value`, `data.ppm`, `channels[2].value`, `readings.0.v`, `[0]` for a top-level array. Parsed
 * once at start so a typo is a configuration error, not a bad reading per message.
 */
export type PayloadPath = readonly (string | number)[];

const PART = /^([^[\]]*)((?:\[\d+\])*)$/;

/** Parses `text`; throws with the reason when it is not a path. */
export function parsePayloadPath(text: string): PayloadPath {
  if (text.trim() === '') throw new Error('is empty');
  const steps: (string | number)[] = [];
  for (const part of text.split('.')) {
    const m = PART.exec(part);
    if (!m) throw new Error(`has a malformed part '${part}' (use name, name[0] or 0)`);
    const [, name = '', indexes = ''] = m;
    if (name === '' && indexes === '')
      throw new Error('has an empty part (two dots, or a dot at an end)');
    if (name !== '') steps.push(/^\d+$/.test(name) ? Number(name) : name);
    for (const idx of indexes.matchAll(/\[(\d+)\]/g)) steps.push(Number(idx[1]));
  }
  return steps;
}

/**
 * The value at `path` in `data`, or undefined when something on the way is missing. Only own
 * fields are followed (`constructor` or `__proto__` in a path find nothing, never a prototype).
 * A number step reads an array element, or a field of that name in an object (`readings.0`).
 */
export function readPayloadPath(data: unknown, path: PayloadPath): unknown {
  let at: unknown = data;
  for (const step of path) {
    if (Array.isArray(at)) {
      if (typeof step !== 'number' || step >= at.length) return undefined;
      at = at[step];
    } else if (typeof at === 'object' && at !== null) {
      const key = String(step);
      if (!Object.hasOwn(at, key)) return undefined;
      at = (at as Record<string, unknown>)[key];
    } else {
      return undefined;
    }
  }
  return at;
}
