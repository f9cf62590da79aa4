import {
  EngineCommandError,
  type EngineError,
  type EngineErrorCode,
} from '../runtime/engine-error.js';
import type { EngineEvent } from '../runtime/engine-event.js';

/**
 * How every Engine command answers: `{ ok: true, events }` with the events it caused, or a typed
 * refusal. Refusals are values, not exceptions, so a host can show them to users; anything that
 * is not an EngineCommandError is a bug and is rethrown.
 */
export type Failure = { ok: false; error: EngineError };
export type Collected<T> = { ok: true; events: EngineEvent[]; value: T } | Failure;

export function fail(code: EngineErrorCode, message: string): Failure {
  return { ok: false, error: { code, message } };
}

export function instanceNotFound(instanceId: string): Failure {
  return fail('INSTANCE_NOT_FOUND', `no process instance '${instanceId}'`);
}

export function toFailure(e: unknown): Failure {
  if (e instanceof EngineCommandError) return fail(e.code, e.message);
  throw e;
}

/**
 * Runs a command that appends its events to a sink, then hands them to the host's `onEvents`.
 * `flushOnError`: commands on one existing instance also report what they changed before a
 * refusal; the commands that start or fan out to instances report nothing then (as before the
 * host was split into modules — the public behaviour is kept exactly).
 */
export function collectEvents<T>(
  onEvents: ((events: readonly EngineEvent[]) => void) | undefined,
  flushOnError: boolean,
  body: (sink: EngineEvent[]) => T,
): Collected<T> {
  const sink: EngineEvent[] = [];
  try {
    const value = body(sink);
    if (onEvents && sink.length > 0) onEvents(sink);
    return { ok: true, events: sink, value };
  } catch (e) {
    if (flushOnError && onEvents && sink.length > 0) onEvents(sink);
    return toFailure(e);
  }
}
