import * as cmd from '../runtime/commands.js';
import type { EngineEvent } from '../runtime/engine-event.js';
import type { MessageToCorrelate } from './host-types.js';
import type { InstanceDriver } from './instance-driver.js';
import type { InstanceTable } from './instance-table.js';
import type { StartEventRegistry } from './start-event-registry.js';

/**
 * Correlates a message as Camunda 8 does: at most once per process — to the oldest waiting
 * subscription with the same name and correlation key, else to a message start event of the
 * process's latest version. A gas alarm for permit HW-001 reaches that permit, not every permit.
 */
export class MessageCorrelation {
  constructor(
    private readonly table: InstanceTable,
    private readonly starts: StartEventRegistry,
    private readonly driver: InstanceDriver,
  ) {}

  /** Answers how many instances the message reached (started ones included). */
  correlate(message: MessageToCorrelate, sink: EngineEvent[]): number {
    let correlated = 0;
    const seenProcesses = new Set<string>();
    for (const instanceId of this.table.subscriptions.instances('message', message.name)) {
      const e = this.table.get(instanceId);
      if (!e || seenProcesses.has(e.state.processId)) continue;
      const sub = Object.values(e.state.subscriptions).find(
        (s) =>
          s.channel === 'message' &&
          s.name === message.name &&
          (s.correlationKey ?? undefined) === (message.correlationKey ?? undefined),
      );
      if (!sub) continue;
      seenProcesses.add(e.state.processId);
      this.driver.run(e, (run) => cmd.correlateSubscription(run, sub.id, message.variables), sink);
      correlated++;
    }
    for (const start of this.starts.messageStarts(message.name)) {
      if (seenProcesses.has(start.version.processId)) continue;
      seenProcesses.add(start.version.processId);
      const variables = message.variables ?? {};
      this.driver.startAtEvent(start, variables, variables, sink);
      correlated++;
    }
    return correlated;
  }
}
