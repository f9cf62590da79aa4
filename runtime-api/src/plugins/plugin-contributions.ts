import { Injectable } from '@nestjs/common';
import type { LoadedPlugin } from './plugin-loader.js';
import { PluginLoadError } from './plugin-package.js';
import type { SchemaCheck } from './plugin-json-schema.js';

/**
 * One contribution and the plugin it belongs to. Its code stays in the plugin's worker: calls go
 * through the plugin host by plugin and name.
 */
export interface Owned {
  plugin: string;
  name: string;
  description?: string;
}

export interface OwnedFactProvider extends Owned {
  paramsCheck: SchemaCheck | undefined;
}

/** Task types of the runtime itself; no plugin may claim them or anything else in `safeflow:`. */
export const RESERVED_TASK_TYPE_PREFIX = 'safeflow:';

/**
 * Who contributes what: task types, fact providers, notifiers, connectors and rule operators are
 * named globally (a flow says `provider: wind-speed`, not which plugin), so each name has exactly
 * one owner. A plugin that claims a name another plugin (or the runtime) already has is refused
 * whole, with a message naming both — half a plugin would be harder to reason about than none.
 */
@Injectable()
export class PluginContributions {
  readonly taskHandlers = new Map<string, Owned>();
  readonly factProviders = new Map<string, OwnedFactProvider>();
  readonly notifiers = new Map<string, Owned>();
  readonly connectors = new Map<string, Owned>();
  readonly ruleOperators = new Map<string, Owned>();

  /**
   * Registers every contribution of `loaded`, or none: throws naming the first clash.
   * `runtimeOwner(type)` names a runtime handler already registered for a task type.
   */
  claim(loaded: LoadedPlugin, runtimeOwner: (taskType: string) => boolean): void {
    const plugin = loaded.pkg.name;
    const d = loaded.definition;
    const refuse = (what: string, name: string, owner: string) =>
      new PluginLoadError(
        `plugin '${plugin}' is refused: its ${what} '${name}' is already provided by ${owner}`,
      );
    for (const type of d.taskTypes) {
      if (type.startsWith(RESERVED_TASK_TYPE_PREFIX) || runtimeOwner(type))
        throw refuse('task type', type, 'the runtime');
      const owner = this.taskHandlers.get(type);
      if (owner) throw refuse('task type', type, `plugin '${owner.plugin}'`);
    }
    const kinds = [
      ['fact provider', d.factProviders, this.factProviders],
      ['notifier', d.notifiers, this.notifiers],
      ['connector', d.connectors, this.connectors],
      ['rule operator', d.ruleOperators, this.ruleOperators],
    ] as const;
    for (const [what, entries, registry] of kinds)
      for (const name of Object.keys(entries)) {
        const owner = registry.get(name);
        if (owner) throw refuse(what, name, `plugin '${owner.plugin}'`);
      }
    for (const name of d.taskTypes) this.taskHandlers.set(name, { plugin, name });
    for (const [name, value] of Object.entries(d.factProviders))
      this.factProviders.set(name, {
        plugin,
        name,
        ...value,
        paramsCheck: loaded.paramsChecks.get(name),
      });
    for (const [name, value] of Object.entries(d.notifiers))
      this.notifiers.set(name, { plugin, name, ...value });
    for (const [name, value] of Object.entries(d.connectors))
      this.connectors.set(name, { plugin, name, ...value });
    for (const [name, value] of Object.entries(d.ruleOperators))
      this.ruleOperators.set(name, { plugin, name, ...value });
  }
}
