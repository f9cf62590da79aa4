/**
 * Runs a plugin's lifecycle: start (stored configuration → worker → init → start → connections)
 * and stop (connections → stop → the run's signal), every hook under the hook time limit. A hook
 * that throws, rejects or hangs leaves that plugin `down` with the reason and nothing else. Every
 * method expects the caller to hold the plugin's lock, so one plugin changes state one step at a
 * time.
 */
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config.js';
import { messageOf } from './bounded-call.js';
import type { ConnectorsService } from './connectors.service.js';
import { markDown, type HostedPlugin, type PluginLifecycle } from './hosted-plugin.js';
import type { PluginConfigStore, StoredPluginConfig } from './plugin-config-store.js';
import { callHook, remoteConnections } from './plugin-hook-calls.js';
import { runConfig } from './plugin-run-config.js';
import { hookTimeoutMs } from './plugin-timeouts.js';
import type { PluginWorker } from './plugin-worker.js';
import type { PluginWorkerSpawner } from './plugin-worker-spawner.js';

/** Tried again later: a worker that could not be started for a plugin that should run. */
export type RetryLater = (p: HostedPlugin) => void;

export class PluginLifecycleRunner {
  constructor(
    private readonly config: RuntimeConfig,
    private readonly logger: Logger,
    private readonly store: PluginConfigStore,
    private readonly connectors: ConnectorsService,
    private readonly spawner: PluginWorkerSpawner,
    private readonly retryLater: RetryLater,
  ) {}

  private get hookLimitMs(): number {
    return hookTimeoutMs(this.config);
  }

  /**
   * Reads the stored configuration, starts a worker if the plugin has none (its previous one was
   * lost), and runs init → start → connections.
   */
  async start(p: HostedPlugin): Promise<void> {
    if (!p.loaded) return;
    let stored: StoredPluginConfig | undefined;
    try {
      stored = await this.store.get(p.name);
    } catch (e) {
      return markDown(p, messageOf(e), this.logger);
    }
    if (stored && !stored.enabled) {
      p.lifecycle = 'disabled';
      p.lastError = null;
      return;
    }
    const { config, problem, redactor } = runConfig(p, stored);
    p.redactor = redactor;
    if (problem) return markDown(p, problem, this.logger);
    p.lifecycle = 'starting';
    let worker = p.worker;
    if (!worker?.alive) {
      try {
        worker = await this.spawner.respawn(p);
      } catch (e) {
        markDown(p, messageOf(e), this.logger);
        this.retryLater(p);
        return;
      }
    }
    const run = { controller: new AbortController() };
    try {
      await callHook(p, 'init', { config }, this.hookLimitMs);
    } catch (e) {
      run.controller.abort(e);
      return markDown(p, messageOf(e), this.logger);
    }
    try {
      await callHook(p, 'start', {}, this.hookLimitMs);
    } catch (e) {
      // init may have opened something: stop gets the chance to release it.
      if (p.worker?.alive) await callHook(p, 'stop', {}, this.hookLimitMs).catch(() => undefined);
      run.controller.abort(e);
      return markDown(p, messageOf(e), this.logger);
    }
    p.run = run;
    p.lifecycle = 'running';
    p.lastError = null;
    await this.connectors.startAll(
      p.name,
      Object.keys(p.loaded.definition.connectors),
      config,
      p.redactor,
      this.remote(worker),
    );
    this.logger.info({ plugin: p.name, restarts: p.restarts }, 'plugin started');
  }

  /** Connections, then `stop`, then the signal; the plugin is `next` from the first step on. */
  async stop(p: HostedPlugin, next: PluginLifecycle): Promise<void> {
    const run = p.run;
    p.run = undefined;
    p.lifecycle = next;
    if (!run) return;
    const worker = p.worker?.alive ? p.worker : undefined;
    await this.connectors.stopAll(p.name, worker && this.remote(worker));
    try {
      if (worker) await callHook(p, 'stop', {}, this.hookLimitMs);
    } catch (e) {
      p.lastError = p.redactor.text(messageOf(e));
      this.logger.warn({ plugin: p.name, err: p.lastError }, 'plugin stop failed');
    } finally {
      run.controller.abort(new Error(`plugin '${p.name}' stopped`));
    }
  }

  /** At runtime shutdown: no restart pending, stopped if running, and its worker ended. */
  async shutdown(p: HostedPlugin): Promise<void> {
    clearTimeout(p.restartTimer);
    if (p.lifecycle === 'running') await this.stop(p, 'stopped');
    const worker = p.worker;
    p.worker = undefined;
    await worker?.terminate('the runtime is shutting down');
  }

  private remote(worker: PluginWorker) {
    return remoteConnections(worker, this.hookLimitMs);
  }
}
