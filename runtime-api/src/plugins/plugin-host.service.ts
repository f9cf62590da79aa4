/**
 * The plugin host as the rest of the runtime sees it: a thin façade over the modules that each do
 * one part of hosting plugins — the table of plugins (hosted-plugins), loading them at startup
 * (plugin-catalog-loader), their workers (plugin-worker-spawner), lifecycle
 * (plugin-lifecycle-runner), restarts after a lost worker (worker-restart-policy), configuration
 * (plugin-config-apply, masked-plugin-config), health (plugin-health) and contribution calls
 * (contribution-calls). Controllers and the contribution services use only this class.
 */
import { join } from 'node:path';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { ClusterBus } from '../cluster/cluster-bus.js';
import type { Clock } from '../common/clock.js';
import type { RuntimeConfig } from '../config.js';
import { JobHandlerRegistry } from '../jobs/job-handlers.js';
import { CLOCK, CONFIG, LOGGER } from '../tokens.js';
import { ConnectorsService } from './connectors.service.js';
import { ContributionCalls } from './contribution-calls.js';
import type { HostedPlugin } from './hosted-plugin.js';
import { HostedPlugins } from './hosted-plugins.js';
import { maskedPluginConfig, type MaskedPluginConfig } from './masked-plugin-config.js';
import { PluginCatalogLoader } from './plugin-catalog-loader.js';
import { PluginConfigApplier } from './plugin-config-apply.js';
import type { ConfigInput } from './plugin-config-input.js';
import { PluginConfigStore } from './plugin-config-store.js';
import { PluginContributions } from './plugin-contributions.js';
import { checkHealth, type HealthReport } from './plugin-health.js';
import { PluginLifecycleRunner } from './plugin-lifecycle-runner.js';
import { PluginRegistryWiring } from './plugin-registry-wiring.js';
import { hookTimeoutMs } from './plugin-timeouts.js';
import { PluginWorkerSpawner } from './plugin-worker-spawner.js';
import type { PluginCalls, PluginMethod } from './plugin-worker-protocol.js';
import { WorkerRestartPolicy } from './worker-restart-policy.js';

/** Notice kind (followed by the plugin's name) of a configuration or flag change. */
const PLUGIN_CONFIG_NOTICE = 'plugin-config:';

/**
 * Loads plugins (configured packages and the plugins folder), each into a worker thread of its
 * own, keeps their configuration, runs their lifecycle under time limits, and answers for them: a
 * plugin that throws, rejects or hangs is marked down with the reason, a worker that crashes or is
 * stuck is replaced (with a back-off), and the runtime carries on.
 */
@Injectable()
export class PluginHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly plugins = new HostedPlugins();
  private readonly restarts: WorkerRestartPolicy;
  private readonly lifecycle: PluginLifecycleRunner;
  private readonly wiring: PluginRegistryWiring;
  private readonly catalog: PluginCatalogLoader;
  private readonly settings: PluginConfigApplier;
  private readonly calls: ContributionCalls;
  private unsubscribeCluster: (() => void) | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PluginConfigStore) private readonly store: PluginConfigStore,
    @Inject(PluginContributions) contributions: PluginContributions,
    @Inject(JobHandlerRegistry) jobHandlers: JobHandlerRegistry,
    @Inject(ConnectorsService) private readonly connectors: ConnectorsService,
    @Inject(ClusterBus) private readonly cluster: ClusterBus,
  ) {
    this.restarts = new WorkerRestartPolicy(logger, connectors, (p) => this.lifecycle.start(p));
    const spawner = new PluginWorkerSpawner(
      config,
      logger,
      clock,
      this.plugins,
      connectors,
      (p, why) => this.restarts.lost(p, why),
    );
    this.lifecycle = new PluginLifecycleRunner(config, logger, store, connectors, spawner, (p) =>
      this.restarts.schedule(p),
    );
    this.wiring = new PluginRegistryWiring(contributions, jobHandlers);
    this.catalog = new PluginCatalogLoader(logger, this.plugins, spawner, this.wiring);
    this.settings = new PluginConfigApplier(logger, store, this.lifecycle);
    this.calls = new ContributionCalls(config, this.plugins);
  }

  get pluginsDir(): string {
    return this.config.pluginsDir ?? join(this.config.dataDir, 'plugins');
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.catalog.loadAll(this.config.plugins ?? [], this.pluginsDir);
    const loaded = this.plugins.all().filter((p) => p.loaded);
    await Promise.all(loaded.map((p) => p.lock.run(() => this.lifecycle.start(p))));
    this.wiring.registerTaskHandlers(loaded, this);
    // A change made on another replica is applied here too.
    this.unsubscribeCluster = this.cluster.subscribe((notice, own) => {
      if (own || !notice.kind.startsWith(PLUGIN_CONFIG_NOTICE)) return;
      const name = notice.kind.slice(PLUGIN_CONFIG_NOTICE.length);
      const p = this.plugins.all().find((x) => x.name === name);
      if (!p) return; // not installed on this replica
      this.settings
        .reload(p)
        .catch((err: unknown) => this.logger.error({ err, plugin: name }, 'plugin reload failed'));
    });
    this.logger.info(
      { plugins: this.plugins.all().map((p) => ({ name: p.name, status: p.lifecycle })) },
      'plugins loaded',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.restarts.close();
    this.unsubscribeCluster?.();
    await Promise.all(this.plugins.all().map((p) => p.lock.run(() => this.lifecycle.shutdown(p))));
  }

  // ---- for the API ----

  list(): HostedPlugin[] {
    return this.plugins.sorted();
  }

  /** Throws 404 PLUGIN_NOT_FOUND. */
  get(name: string): HostedPlugin {
    return this.plugins.get(name);
  }

  /** Asks a running plugin how it is (under the hook time limit); a throw or hang is `down`. */
  health(p: HostedPlugin): Promise<HealthReport | null> {
    return checkHealth(
      p,
      (plugin) => this.connectors.states(plugin),
      hookTimeoutMs(this.config),
      this.clock,
    );
  }

  /** The stored configuration with every secret field masked. */
  maskedConfig(p: HostedPlugin): Promise<MaskedPluginConfig> {
    return maskedPluginConfig(this.store, p);
  }

  /**
   * Validates and stores a configuration, then restarts the plugin with it. Secret fields left
   * out, or sent back as `********` / `{set:true}`, keep their stored value; `null` removes one.
   * Throws PluginConfigInvalid (nothing stored) when the result does not fit the schema.
   */
  async configure(name: string, input: ConfigInput, actor: string): Promise<HostedPlugin> {
    const p = await this.settings.configure(this.get(name), input, actor);
    await this.tellReplicas(name);
    return p;
  }

  async setEnabled(name: string, enabled: boolean, actor: string): Promise<HostedPlugin> {
    const p = await this.settings.setEnabled(this.get(name), enabled, actor);
    await this.tellReplicas(name);
    return p;
  }

  /** The change is stored and applied here; the other replicas restart the plugin with it. */
  private async tellReplicas(name: string): Promise<void> {
    try {
      await this.cluster.notify(PLUGIN_CONFIG_NOTICE + name);
    } catch (err) {
      this.logger.error({ err, plugin: name }, 'plugin configuration notice could not be sent');
    }
  }

  // ---- for the contributions (jobs, facts, notifiers, rule operators) ----

  /** See ContributionCalls.call: throws PluginCallError (`unavailable`, `timeout`, `failed`). */
  call<M extends PluginMethod>(
    plugin: string,
    what: string,
    method: M,
    args: PluginCalls[M]['args'],
  ): Promise<PluginCalls[M]['result']> {
    return this.calls.call(plugin, what, method, args);
  }

  /** See ContributionCalls.evaluateOperator: synchronous, bounded by RULE_OPERATOR_TIMEOUT_MS. */
  evaluateOperator(
    plugin: string,
    name: string,
    factValue: unknown,
    compareValue: unknown,
  ): boolean {
    return this.calls.evaluateOperator(plugin, name, factValue, compareValue);
  }

  /** The plugin's current secret-redaction, taken before a call (see ContributionCalls). */
  redactorFor(plugin: string): (text: string) => string {
    return this.calls.redactorFor(plugin);
  }
}
