import * as cmd from '../runtime/commands.js';
import type { Effect } from '../runtime/effects.js';
import type { EngineEvent } from '../runtime/engine-event.js';
import { IncidentError } from '../runtime/incident-error.js';
import type { InstanceDriver } from './instance-driver.js';
import type { InstanceTable } from './instance-table.js';
import type { ProcessRegistry, ProcessVersion } from './process-registry.js';
import type { SignalDelivery } from './signal-delivery.js';

type StartChild = Extract<Effect, { type: 'startChild' }>;

/**
 * Carries out what an instance asked of other instances after a command, in the order asked:
 * call activities (start or cancel the called child; tell the parent the child completed or
 * threw an error or escalation) and thrown signals. An instance never touches another one
 * directly; this is the only way across, so a persisting host can route the same effects.
 */
export class EffectRouter {
  constructor(
    private readonly table: InstanceTable,
    private readonly registry: ProcessRegistry,
    private readonly signals: SignalDelivery,
    private readonly driver: InstanceDriver,
  ) {}

  route(effects: readonly Effect[], sink: EngineEvent[]): void {
    for (const fx of effects) {
      switch (fx.type) {
        case 'startChild':
          this.startChild(fx, sink);
          break;
        case 'cancelChild': {
          const child = this.table.get(fx.childInstanceId);
          if (child && child.state.status === 'active')
            this.driver.run(child, (run) => cmd.cancelInstance(run), sink);
          break;
        }
        case 'childCompleted': {
          const parent = this.table.get(fx.parentInstanceId);
          if (parent && parent.state.status === 'active')
            this.driver.run(
              parent,
              (run) => cmd.childCompleted(run, fx.parentKey, fx.variables),
              sink,
            );
          break;
        }
        case 'childThrew': {
          const parent = this.table.get(fx.parentInstanceId);
          if (parent && parent.state.status === 'active')
            this.driver.run(
              parent,
              (run) =>
                cmd.childThrew(run, fx.parentKey, fx.kind, fx.code, fx.message, fx.variables),
              sink,
            );
          break;
        }
        case 'signal':
          this.signals.deliver(fx.name, fx.variables, fx.originInstanceId, sink);
          break;
      }
    }
  }

  /** Starts the called process, or raises an incident at the call activity if it is not deployed. */
  private startChild(fx: StartChild, sink: EngineEvent[]): void {
    const parent = this.table.get(fx.parentInstanceId);
    const version = this.calledVersion(fx, parent?.version);
    if (version) {
      this.driver.start(
        version,
        { variables: fx.variables, instanceId: fx.childInstanceId },
        { instanceId: fx.parentInstanceId, key: fx.parentKey },
        sink,
      );
      return;
    }
    if (!parent) return;
    this.driver.run(
      parent,
      (run) =>
        run.raiseIncident(
          new IncidentError(
            'CALLED_ELEMENT_ERROR',
            `called process '${fx.processId}' is not deployed`,
          ),
          run.el(fx.parentKey),
          { op: 'enter', key: fx.parentKey },
        ),
      sink,
    );
  }

  /** The version a call activity's binding picks (Camunda 8: latest, deployment, versionTag). */
  private calledVersion(
    fx: StartChild,
    parent: ProcessVersion | undefined,
  ): ProcessVersion | undefined {
    if (fx.bindingType === 'deployment' && parent)
      return this.registry.inDeployment(fx.processId, parent.deploymentId);
    if (fx.bindingType === 'versionTag' && fx.versionTag)
      return this.registry.withVersionTag(fx.processId, fx.versionTag);
    return this.registry.latest(fx.processId);
  }
}
