import * as cmd from '../runtime/commands.js';
import type { Effect } from '../runtime/effects.js';
import { EngineCommandError } from '../runtime/engine-error.js';
import type { EngineEvent } from '../runtime/engine-event.js';
import { Run, type RunContext } from '../runtime/run.js';
import type { Variables } from './host-types.js';
import type { InstanceDriver, ParentLink, StartEventRef, StartRequest } from './instance-driver.js';
import type { InstanceEntry, InstanceTable } from './instance-table.js';
import type { ProcessVersion } from './process-registry.js';

/**
 * Runs the interpreter on instances in memory: builds the `Run` for a command with the injected
 * clock, records the events it emitted in the instance table, and hands the effects it asked for
 * (child starts, signals...) to the effect router. The one place a command meets an instance, so
 * every path — API call, message, signal, timer, parent or child — is recorded the same way.
 */
export class InstanceRunner implements InstanceDriver {
  constructor(
    private readonly table: InstanceTable,
    private readonly clock: () => number,
    private readonly newInstanceId: () => string,
    private readonly routeEffects: (effects: readonly Effect[], sink: EngineEvent[]) => void,
  ) {}

  context(now?: number): RunContext {
    return { now: now ?? this.clock(), newInstanceId: this.newInstanceId };
  }

  /** A run over an instance's current state, to read from (views), not to command. */
  readerFor(e: InstanceEntry): Run {
    return new Run(e.state, e.version.model, this.context());
  }

  start(
    version: ProcessVersion,
    request: StartRequest,
    parent: ParentLink | undefined,
    sink: EngineEvent[],
  ): string {
    const instanceId = request.instanceId ?? this.newInstanceId();
    if (this.table.has(instanceId)) {
      throw new EngineCommandError(
        'INVALID_ARGUMENT',
        `instance id '${instanceId}' is already in use`,
      );
    }
    const run = cmd.startInstance(
      {
        instanceId,
        model: version.model,
        processKey: version.key,
        version: version.version,
        ...(request.variables ? { variables: request.variables } : {}),
        ...(request.businessKey !== undefined ? { businessKey: request.businessKey } : {}),
        ...(request.startEventId ? { startEventId: request.startEventId } : {}),
        ...(request.triggered ? { triggered: request.triggered } : {}),
        ...(parent ? { parent } : {}),
      },
      this.context(),
    );
    const entry: InstanceEntry = { state: run.state, events: [], version };
    this.table.add(entry);
    this.table.record(entry, run.events, sink);
    if (run.effects.length > 0) this.routeEffects(run.effects, sink);
    return instanceId;
  }

  startAtEvent(
    start: StartEventRef,
    triggered: Variables,
    variables: Variables | undefined,
    sink: EngineEvent[],
  ): string {
    return this.start(
      start.version,
      { startEventId: start.eventId, triggered, ...(variables ? { variables } : {}) },
      undefined,
      sink,
    );
  }

  run(e: InstanceEntry, fn: (run: Run) => void, sink: EngineEvent[], now?: number): void {
    const run = new Run(e.state, e.version.model, this.context(now));
    fn(run);
    this.table.record(e, run.events, sink);
    if (run.effects.length > 0) this.routeEffects(run.effects, sink);
  }
}
