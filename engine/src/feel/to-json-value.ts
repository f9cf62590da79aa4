import { FeelDate, FeelDateTime, FeelDuration, FeelRange, FeelTime, isFunction } from 'feelin';

/** Thrown internally when a result has no JSON form (a FEEL function); mapped by the caller. */
export class NotJsonSafeError extends Error {}

/**
 * Converts a FEEL result into plain JSON so it can be stored as a process variable and survive the
 * event log: temporal values become their ISO 8601 text (what Camunda 8 stores too), ranges become
 * a context with FEEL's own property names, non-finite numbers become null (FEEL has no NaN).
 */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return Number(value);
    case 'function':
      throw new NotJsonSafeError('a function');
    case 'symbol':
      throw new NotJsonSafeError('a symbol');
    default:
      break;
  }
  if (
    value instanceof FeelDate ||
    value instanceof FeelDateTime ||
    value instanceof FeelTime ||
    value instanceof FeelDuration
  ) {
    // `iso` is feelin's canonical form; zoned date-times keep `@Region/Zone` like Zeebe does.
    return value.toString();
  }
  if (value instanceof FeelRange) {
    return {
      start: toJsonValue(value.start),
      end: toJsonValue(value.end),
      'start included': value['start included'],
      'end included': value['end included'],
    };
  }
  if (isFunction(value)) throw new NotJsonSafeError('a function');
  if (Array.isArray(value)) return value.map(toJsonValue);
  // A FEEL context (or any other object): copy own enumerable entries. Object.fromEntries defines
  // properties, so a key named `__proto__` stays data and cannot change the prototype.
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJsonValue(v)]),
  );
}
