/**
 * The record the host keeps per plugin, and the state changes every part of the host makes to it
 * the same way. A record of its own, so lifecycle, restarts, health and the API share one picture
 * of a plugin without reaching into each other.
 */
import type { Logger } from 'pino';
import { Mutex } from '../common/mutex.js';
import type { LoadedPlugin } from './plugin-loader.js';
import type { PluginPackage, PluginSource } from './plugin-package.js';
import type { PluginWorker } from './plugin-worker.js';
import { SecretRedactor } from './secret-redactor.js';

/**
 * Where a plugin is in its life: `failed` could not be loaded (never runs), `disabled` turned off
 * by an operator, `down` its configuration or a lifecycle hook failed, `starting` init/start under
 * way, `running` started, `stopped` stopped at shutdown.
 */
export type PluginLifecycle = 'failed' | 'disabled' | 'down' | 'starting' | 'running' | 'stopped';

/** A plugin as the host keeps it. */
export interface HostedPlugin {
  name: string;
  source: PluginSource;
  pkg: PluginPackage | undefined;
  loaded: LoadedPlugin | undefined;
  lifecycle: PluginLifecycle;
  lastError: string | null;
  /** The current run (init → stop): its controller cancels calls still under way at stop. */
  run: { controller: AbortController } | undefined;
  /** Its worker thread, where its code runs; undefined while it is being replaced. */
  worker: PluginWorker | undefined;
  redactor: SecretRedactor;
  /** Lifecycle changes (start, stop, configure, restart) of one plugin happen one at a time. */
  lock: Mutex;
  /** Workers lost (crash, out of memory, stuck) and replaced since the runtime started. */
  restarts: number;
  /** Why the last worker was lost; secrets taken out. */
  lastExit: string | null;
  /** Losses without a long run between them, for the restart back-off. */
  failuresInRow: number;
  /** performance.now() when its current worker was started. */
  workerSince: number;
  restartTimer: NodeJS.Timeout | undefined;
}

/** What is known of a plugin when the host first lists it. */
export type PluginFound = Pick<
  HostedPlugin,
  'name' | 'source' | 'pkg' | 'loaded' | 'lifecycle' | 'lastError'
>;

/** A fresh record: no run, no secrets known yet, no restarts. */
export function hostedPlugin(found: PluginFound, worker?: PluginWorker): HostedPlugin {
  return {
    ...found,
    run: undefined,
    worker,
    redactor: new SecretRedactor([]),
    lock: new Mutex(),
    restarts: 0,
    lastExit: null,
    failuresInRow: 0,
    workerSince: performance.now(),
    restartTimer: undefined,
  };
}

/** Marks the plugin `down` with the reason, its secrets taken out, and logs it. */
export function markDown(p: HostedPlugin, why: string, logger: Logger): void {
  p.lifecycle = 'down';
  p.lastError = p.redactor.text(why);
  logger.warn({ plugin: p.name, err: p.lastError }, 'plugin down');
}
