/**
 * Starts plugins' worker threads with the runtime's settings and wires what each worker says
 * besides answers (log lines, readings, connection states, its loss) back into the host. One
 * place for this, so the first load and every restart start a worker exactly the same way.
 */
import type { Logger } from 'pino';
import { ManualClock, type Clock } from '../common/clock.js';
import type { RuntimeConfig } from '../config.js';
import type { ConnectorsService } from './connectors.service.js';
import type { HostedPlugin } from './hosted-plugin.js';
import type { HostedPlugins } from './hosted-plugins.js';
import { pluginLogger } from './plugin-context.js';
import { loadPlugin, type LoadedPlugin, type WorkerSettings } from './plugin-loader.js';
import type { PluginPackage } from './plugin-package.js';
import { loadTimeoutMs, maxHeapMb, PLUGIN_ABORT_GRACE_MS } from './plugin-timeouts.js';
import type { PluginWorker } from './plugin-worker.js';
import type { PluginWorkerEvents } from './plugin-worker-options.js';
import { SecretRedactor } from './secret-redactor.js';

/** A worker that ended unasked (crash, out of memory, stuck): the restart policy takes over. */
export type WorkerLost = (p: HostedPlugin, reason: string) => void;

export class PluginWorkerSpawner {
  constructor(
    private readonly config: RuntimeConfig,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly plugins: HostedPlugins,
    private readonly connectors: ConnectorsService,
    private readonly lost: WorkerLost,
  ) {}

  private get settings(): WorkerSettings {
    return {
      maxHeapMb: maxHeapMb(this.config),
      abortGraceMs: PLUGIN_ABORT_GRACE_MS,
      loadTimeoutMs: loadTimeoutMs(this.config),
      // A manual clock moves only when told: the worker's copy must not tick on by itself.
      clock: () => ({ now: this.clock.now(), ticking: !(this.clock instanceof ManualClock) }),
    };
  }

  /**
   * Loads a plugin into a new worker. Its log lines are redacted with the plugin's current
   * secrets; a loss is reported only while this worker is still the plugin's own (a replaced
   * worker's late loss is ignored).
   */
  async spawn(pkg: PluginPackage): Promise<{ loaded: LoadedPlugin; worker: PluginWorker }> {
    const self: { worker?: PluginWorker } = {};
    const name = pkg.name;
    const log = this.logger.child({ plugin: name });
    const events: PluginWorkerEvents = {
      log: (level, message, fields) => {
        const redactor = this.plugins.find(name)?.redactor ?? new SecretRedactor([]);
        pluginLogger(log, redactor)[level](message, fields);
      },
      reading: (connection, reading) => this.connectors.deliver(name, connection, reading),
      status: (connection, state, detail) =>
        this.connectors.status(name, connection, state, detail),
      lost: (reason) => {
        const p = this.plugins.find(name);
        if (p && self.worker && p.worker === self.worker) this.lost(p, reason);
      },
    };
    const spawned = await loadPlugin(pkg, this.settings, events);
    self.worker = spawned.worker;
    return spawned;
  }

  /** Starts a fresh worker for a loaded plugin (after its previous one was lost). */
  async respawn(p: HostedPlugin): Promise<PluginWorker> {
    const { worker } = await this.spawn(p.pkg!);
    p.worker = worker;
    p.workerSince = performance.now();
    return worker;
  }
}
