import * as cmd from '../runtime/commands.js';
import type { EngineEvent } from '../runtime/engine-event.js';
import type { Variables } from './host-types.js';
import type { InstanceDriver } from './instance-driver.js';
import type { InstanceTable } from './instance-table.js';
import type { StartEventRegistry } from './start-event-registry.js';

/**
 * Delivers a signal to everyone listening: every waiting signal catch of every active instance,
 * then the signal start events of the latest process versions. Used for signals broadcast by a
 * caller and for signals thrown by an instance (routed here as an effect).
 */
export class SignalDelivery {
  constructor(
    private readonly table: InstanceTable,
    private readonly starts: StartEventRegistry,
    private readonly driver: InstanceDriver,
  ) {}

  /**
   * `originInstanceId`: the thrower, which already delivered the signal to itself inside its own
   * command (BPMN: a scope's catchers hear the signal before the thrower moves on).
   */
  deliver(
    name: string,
    variables: Variables,
    originInstanceId: string | undefined,
    sink: EngineEvent[],
  ): void {
    for (const instanceId of this.table.subscriptions.instances('signal', name)) {
      if (instanceId === originInstanceId) continue;
      const e = this.table.get(instanceId);
      if (!e || e.state.status !== 'active') continue;
      this.driver.run(e, (run) => void cmd.receiveSignal(run, name, variables), sink);
    }
    for (const start of this.starts.signalStarts(name)) {
      this.driver.startAtEvent(start, variables, variables, sink);
    }
  }
}
