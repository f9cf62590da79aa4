/**
 * Wires plugins' contributions into the runtime's registries: names claimed in
 * PluginContributions (one owner each, the runtime's own task types included) at load, and each
 * task type's handler in the job handler registry once the plugins have first started.
 */
import type { JobHandlerRegistry } from '../jobs/job-handlers.js';
import type { HostedPlugin } from './hosted-plugin.js';
import type { PluginContributions } from './plugin-contributions.js';
import type { PluginHost } from './plugin-host.service.js';
import { pluginJobHandler } from './plugin-job-handler.js';
import type { LoadedPlugin } from './plugin-loader.js';

export class PluginRegistryWiring {
  constructor(
    private readonly contributions: PluginContributions,
    private readonly jobHandlers: JobHandlerRegistry,
  ) {}

  /** Claims every contribution of the plugin, or none: throws naming the first clash. */
  claim(loaded: LoadedPlugin): void {
    this.contributions.claim(loaded, (type) => this.jobHandlers.get(type) !== undefined);
  }

  /**
   * Registers the task handlers of the loaded plugins (failed ones have none). Called after the first start, so the job
   * worker never sees a half-started plugin; a plugin that is down still gets its jobs, which
   * then fail visibly (retries, an incident) instead of waiting unseen.
   */
  registerTaskHandlers(plugins: HostedPlugin[], host: PluginHost): void {
    for (const p of plugins)
      for (const type of p.loaded?.definition.taskTypes ?? [])
        this.jobHandlers.register(type, pluginJobHandler(host, p.name, type));
  }
}
