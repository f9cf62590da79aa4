/**
 * The trace of a betsy case read from an instance's event log: element ids of marker tasks, one entry
 * per completed element instance, in log order. A multi-instance or loop body that completes with
 * the same element id as its inner instances is not an execution of the task and is left out.
 */
import type { EngineEvent } from './engine-access.js';

function isBodyFlag(payload: Readonly<Record<string, unknown>>): boolean {
  for (const key of ['multiInstanceBody', 'isMultiInstanceBody', 'loopBody', 'body']) {
    if (payload[key] === true) return true;
  }
  const role = payload['role'] ?? payload['kind'];
  return (
    role === 'miBody' || role === 'loopBody' || role === 'multiInstanceBody' || role === 'body'
  );
}

export function markerTrace(
  events: readonly EngineEvent[],
  markerIds: readonly string[],
): string[] {
  const markers = new Set(markerIds);
  const completed = [...events]
    .sort((a, b) => a.seq - b.seq)
    .filter(
      (e) =>
        e.type === 'element.completed' && e.elementId !== undefined && markers.has(e.elementId),
    );
  // An element instance that encloses instances of the same element is a body, not an execution.
  const enclosing = new Set<string>();
  const bodies = new Set<number>();
  for (const e of events) {
    if (e.elementId !== undefined && e.scopeKey !== undefined)
      enclosing.add(`${e.elementId}@${e.scopeKey}`);
    if (e.type === 'element.activated' && e.key !== undefined && isBodyFlag(e.payload ?? {}))
      bodies.add(e.key);
  }
  const seen = new Set<number>();
  const trace: string[] = [];
  for (const e of completed) {
    if (isBodyFlag(e.payload ?? {})) continue;
    if (e.key !== undefined) {
      if (bodies.has(e.key)) continue;
      if (enclosing.has(`${e.elementId}@${e.key}`)) continue;
      if (seen.has(e.key)) continue;
      seen.add(e.key);
    }
    trace.push(e.elementId as string);
  }
  return trace;
}
