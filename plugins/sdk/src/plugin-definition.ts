import type { ConnectorFactory } from './connector.js';
import type { ElementTemplate } from './element-template.js';
import type { FactProvider } from './fact-provider.js';
import type { Notifier } from './notifier.js';
import type { PluginContext } from './plugin-context.js';
import type { RuleOperator } from './rule-operator.js';
import type { TaskHandler } from './task-handler.js';

/** A plugin's own view of its health (shown red/green in the runtime's plugin list). */
export interface PluginHealth {
  status: 'up' | 'degraded' | 'down';
  detail?: string;
}

/**
 * A plugin: what it contributes, and its lifecycle. The runtime calls `init` once with the
 * validated configuration, `start` when the runtime starts serving, `stop` on shutdown or when the
 * plugin is disabled, and `health` on demand. Every call has a timeout; a hook that throws, rejects
 * or hangs marks the plugin down without stopping the runtime.
 */
export interface PluginDefinition<Config = Record<string, unknown>> {
  /** Must equal the package name. */
  name: string;
  init?(ctx: PluginContext<Config>): Promise<void> | void;
  start?(ctx: PluginContext<Config>): Promise<void> | void;
  stop?(ctx: PluginContext<Config>): Promise<void> | void;
  health?(ctx: PluginContext<Config>): Promise<PluginHealth> | PluginHealth;
  /** Service-task handlers by task type. */
  taskHandlers?: Record<string, TaskHandler<Config>>;
  factProviders?: Record<string, FactProvider<Config>>;
  connectors?: Record<string, ConnectorFactory<Config>>;
  notifiers?: Record<string, Notifier<Config>>;
  ruleOperators?: Record<string, RuleOperator>;
  elementTemplates?: ElementTemplate[];
}

/** Declares a plugin; the identity function, there for the types (and so the default export is one). */
export function definePlugin<Config = Record<string, unknown>>(
  definition: PluginDefinition<Config>,
): PluginDefinition<Config> {
  return definition;
}
