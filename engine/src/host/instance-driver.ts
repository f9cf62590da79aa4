import type { EngineEvent } from '../runtime/engine-event.js';
import type { Run } from '../runtime/run.js';
import type { InstanceEntry } from './instance-table.js';
import type { ProcessVersion } from './process-registry.js';
import type { StartOptions, Variables } from './host-types.js';

/** How an instance is started: by a caller, a start event, or a parent's call activity. */
export interface StartRequest extends StartOptions {
  /** Variables of the message or signal that triggered a start event. */
  triggered?: Variables;
  /** A fixed instance id (a called child's id is chosen by its parent). */
  instanceId?: string;
}

/** The call activity waiting for a child instance. */
export interface ParentLink {
  instanceId: string;
  key: number;
}

/** A message, signal or timer start event of a deployed version. */
export interface StartEventRef {
  version: ProcessVersion;
  eventId: string;
}

/**
 * What message correlation, signal delivery, timer firing and effect routing need in order to act
 * on instances: start one, or run a command on one. Every event lands in `sink`; the effects a
 * command asks for are routed before the call returns, so causes precede consequences in `sink`.
 * An interface, so those collaborators do not depend on how the runner is built.
 */
export interface InstanceDriver {
  start(
    version: ProcessVersion,
    request: StartRequest,
    parent: ParentLink | undefined,
    sink: EngineEvent[],
  ): string;
  /** Starts an instance at a triggered start event (`variables` also become its variables). */
  startAtEvent(
    start: StartEventRef,
    triggered: Variables,
    variables: Variables | undefined,
    sink: EngineEvent[],
  ): string;
  run(entry: InstanceEntry, fn: (run: Run) => void, sink: EngineEvent[], now?: number): void;
}
