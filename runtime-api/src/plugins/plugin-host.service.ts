import { basename, join } from 'node:path';
import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { PluginHealth } from '@safeflow/plugin-sdk';
import type { Logger } from 'pino';
import { ManualClock, type Clock } from '../common/clock.js';
import { Mutex } from '../common/mutex.js';
import type { RuntimeConfig } from '../config.js';
import { JobHandlerRegistry } from '../jobs/job-handlers.js';
import { CLOCK, CONFIG, LOGGER } from '../tokens.js';
import { messageOf, PluginTimeoutError } from './bounded-call.js';
import {
  ConnectorsService,
  type ConnectionState,
  type RemoteConnections,
} from './connectors.service.js';
import { pluginLogger } from './plugin-context.js';
import { PluginContributions } from './plugin-contributions.js';
import { PluginConfigStore, type StoredPluginConfig } from './plugin-config-store.js';
import { discoverPlugins } from './plugin-discovery.js';
import { PluginCallError } from './plugin-errors.js';
import { pluginJobHandler } from './plugin-job-handler.js';
import { describeErrors, type SchemaError } from './plugin-json-schema.js';
import { loadPlugin, type LoadedPlugin, type WorkerSettings } from './plugin-loader.js';
import {
  PluginLoadError,
  readPluginPackage,
  type PluginPackage,
  type PluginSource,
} from './plugin-package.js';
import {
  callTimeoutMs,
  hookTimeoutMs,
  loadTimeoutMs,
  maxHeapMb,
  PLUGIN_ABORT_GRACE_MS,
  RESTART_BACKOFF_RESET_MS,
  restartDelayMs,
  RULE_OPERATOR_TIMEOUT_MS,
} from './plugin-timeouts.js';
import type { PluginWorker, PluginWorkerEvents } from './plugin-worker.js';
import type { PluginCalls, PluginMethod } from './plugin-worker-protocol.js';
import { MASK, SecretRedactor } from './secret-redactor.js';

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

/** What a health check found: the plugin's own answer, degraded by connections that are not up. */
export interface HealthReport {
  status: PluginHealth['status'];
  detail?: string;
  checkedAt: number;
  connections: ConnectionState[];
}

/** A configuration change as given over the API. */
export type ConfigInput = Record<string, unknown>;

export class PluginConfigInvalid extends Error {
  constructor(readonly errors: SchemaError[]) {
    super(`the configuration is invalid: ${describeErrors(errors)}`);
  }
}

const isSetMarker = (v: unknown) =>
  v === MASK ||
  (typeof v === 'object' && v !== null && (v as Record<string, unknown>).set === true);

/**
 * Loads plugins (configured packages and the plugins folder), each into a worker thread of its
 * own, keeps their configuration, runs their lifecycle under time limits, and answers for them: a
 * plugin that throws, rejects or hangs is marked down with the reason, a worker that crashes or is
 * stuck is replaced (with a back-off), and the runtime carries on.
 */
@Injectable()
export class PluginHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly plugins = new Map<string, HostedPlugin>();
  private closing = false;

  constructor(
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PluginConfigStore) private readonly store: PluginConfigStore,
    @Inject(PluginContributions) private readonly contributions: PluginContributions,
    @Inject(JobHandlerRegistry) private readonly jobHandlers: JobHandlerRegistry,
    @Inject(ConnectorsService) private readonly connectors: ConnectorsService,
  ) {}

  get pluginsDir(): string {
    return this.config.pluginsDir ?? join(this.config.dataDir, 'plugins');
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.loadAll();
    const loaded = [...this.plugins.values()].filter((p) => p.loaded);
    await Promise.all(loaded.map((p) => p.lock.run(() => this.start(p))));
    // Handlers go in after the first start, so the job worker never sees a half-started plugin;
    // a plugin that is down still gets its jobs, which then fail visibly (retries, an incident)
    // instead of waiting unseen.
    for (const p of loaded)
      for (const type of p.loaded!.definition.taskTypes)
        this.jobHandlers.register(type, pluginJobHandler(this, p.name, type));
    this.logger.info(
      { plugins: [...this.plugins.values()].map((p) => ({ name: p.name, status: p.lifecycle })) },
      'plugins loaded',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.plugins.values()].map((p) =>
        p.lock.run(async () => {
          clearTimeout(p.restartTimer);
          if (p.lifecycle === 'running') await this.stop(p, 'stopped');
          const worker = p.worker;
          p.worker = undefined;
          await worker?.terminate('the runtime is shutting down');
        }),
      ),
    );
  }

  private add(
    p: Pick<HostedPlugin, 'name' | 'source' | 'pkg' | 'loaded' | 'lifecycle' | 'lastError'>,
    worker?: PluginWorker,
  ): void {
    this.plugins.set(p.name, {
      ...p,
      run: undefined,
      worker,
      redactor: new SecretRedactor([]),
      lock: new Mutex(),
      restarts: 0,
      lastExit: null,
      failuresInRow: 0,
      workerSince: performance.now(),
      restartTimer: undefined,
    });
  }

  private get workerSettings(): WorkerSettings {
    return {
      maxHeapMb: maxHeapMb(this.config),
      abortGraceMs: PLUGIN_ABORT_GRACE_MS,
      loadTimeoutMs: loadTimeoutMs(this.config),
      // A manual clock moves only when told: the worker's copy must not tick on by itself.
      clock: () => ({ now: this.clock.now(), ticking: !(this.clock instanceof ManualClock) }),
    };
  }

  /**
   * What a plugin's worker says besides answers: log lines (redacted with the plugin's current
   * secrets), readings and connection states, and its loss. `self.worker` is the worker these
   * events belong to; a replaced worker's late loss is ignored.
   */
  private workerEvents(name: string, self: { worker?: PluginWorker }): PluginWorkerEvents {
    const log = this.logger.child({ plugin: name });
    return {
      log: (level, message, fields) => {
        const redactor = this.plugins.get(name)?.redactor ?? new SecretRedactor([]);
        pluginLogger(log, redactor)[level](message, fields);
      },
      reading: (connection, reading) => this.connectors.deliver(name, connection, reading),
      status: (connection, state, detail) =>
        this.connectors.status(name, connection, state, detail),
      lost: (reason) => {
        const p = this.plugins.get(name);
        if (p && self.worker && p.worker === self.worker) this.lost(p, reason);
      },
    };
  }

  /** Starts a fresh worker for a loaded plugin (after its previous one was lost). */
  private async respawn(p: HostedPlugin): Promise<PluginWorker> {
    const self: { worker?: PluginWorker } = {};
    const { worker } = await loadPlugin(
      p.pkg!,
      this.workerSettings,
      this.workerEvents(p.name, self),
    );
    self.worker = worker;
    p.worker = worker;
    p.workerSince = performance.now();
    return worker;
  }

  /**
   * A worker ended without being asked (uncaught exception in plugin code, out of memory, stuck
   * in synchronous code and terminated): its calls have failed already; the plugin is down with
   * the reason and, if it was in use, a fresh worker is started after a back-off.
   */
  private lost(p: HostedPlugin, reason: string): void {
    p.worker = undefined;
    const why = p.redactor.text(reason);
    p.restarts++;
    p.lastExit = why;
    if (performance.now() - p.workerSince >= RESTART_BACKOFF_RESET_MS) p.failuresInRow = 0;
    const inUse = p.lifecycle === 'running' || p.lifecycle === 'starting';
    this.logger.error({ plugin: p.name, err: why, restarts: p.restarts }, 'plugin worker lost');
    const run = p.run;
    p.run = undefined;
    run?.controller.abort(new Error(`plugin '${p.name}' worker stopped`));
    void this.connectors.stopAll(p.name, undefined);
    if (p.lifecycle === 'running') this.down(p, `its worker stopped: ${why}; restarting`);
    if (inUse) this.scheduleRestart(p);
  }

  private scheduleRestart(p: HostedPlugin): void {
    if (this.closing) return;
    clearTimeout(p.restartTimer);
    const delay = restartDelayMs(p.failuresInRow++);
    p.restartTimer = setTimeout(() => {
      p.restartTimer = undefined;
      p.lock
        .run(async () => {
          // Meanwhile configured, enabled or disabled (which start or leave it as they need).
          if (this.closing || p.worker || p.lifecycle === 'disabled' || p.lifecycle === 'running')
            return;
          await this.start(p);
        })
        .catch((e: unknown) =>
          this.logger.error({ plugin: p.name, err: messageOf(e) }, 'plugin restart failed'),
        );
    }, delay);
  }

  private failed(name: string, source: PluginSource, pkg: PluginPackage | undefined, why: string) {
    this.logger.error({ plugin: name }, why);
    // A second failure under the same name (two broken copies) is logged, not listed twice.
    if (this.plugins.has(name)) return;
    this.add({ name, source, pkg, loaded: undefined, lifecycle: 'failed', lastError: why });
  }

  /**
   * Discovers and reads every plugin, then loads them (each into its own worker, all at once),
   * then registers their contributions in discovery order; one that cannot be loaded is listed as
   * failed.
   */
  private async loadAll(): Promise<void> {
    const found: Array<{ pkg: PluginPackage; source: PluginSource }> = [];
    const names = new Set<string>();
    for (const candidate of discoverPlugins(this.config.plugins ?? [], this.pluginsDir)) {
      const fallbackName =
        candidate.source === 'package' ? candidate.requested : basename(candidate.requested);
      if ('missing' in candidate) {
        this.failed(fallbackName, 'package', undefined, candidate.missing);
        continue;
      }
      try {
        const pkg = readPluginPackage(candidate.root, candidate.source);
        if (!pkg) {
          if (candidate.source === 'package')
            this.failed(
              fallbackName,
              'package',
              undefined,
              `package '${candidate.requested}' has no "safeflow" manifest in its package.json: it is not a SafeFlow plugin`,
            );
          continue;
        }
        if (names.has(pkg.name) || this.plugins.has(pkg.name)) {
          // Listed once (the first found); the other copy is only logged.
          this.logger.error(
            { plugin: pkg.name, root: pkg.root },
            `plugin '${pkg.name}' is found twice; the copy in ${pkg.root} is ignored`,
          );
          continue;
        }
        names.add(pkg.name);
        found.push({ pkg, source: candidate.source });
      } catch (e) {
        const named = e instanceof PluginLoadError ? e.plugin : undefined;
        this.failed(named ?? fallbackName, candidate.source, undefined, messageOf(e));
      }
    }
    const settings = this.workerSettings;
    const results = await Promise.all(
      found.map(async ({ pkg }) => {
        const self: { worker?: PluginWorker } = {};
        try {
          const r = await loadPlugin(pkg, settings, this.workerEvents(pkg.name, self));
          self.worker = r.worker;
          return r;
        } catch (e) {
          return e;
        }
      }),
    );
    for (const [i, { pkg, source }] of found.entries()) {
      const r = results[i] as Awaited<ReturnType<typeof loadPlugin>> | unknown;
      if (!(typeof r === 'object' && r !== null && 'loaded' in r)) {
        this.failed(pkg.name, source, pkg, messageOf(r));
        continue;
      }
      const { loaded, worker } = r as Awaited<ReturnType<typeof loadPlugin>>;
      try {
        this.contributions.claim(loaded, (type) => this.jobHandlers.get(type) !== undefined);
      } catch (e) {
        await worker.terminate('refused at load');
        this.failed(pkg.name, source, pkg, messageOf(e));
        continue;
      }
      this.add(
        { name: pkg.name, source, pkg, loaded, lifecycle: 'stopped', lastError: null },
        worker,
      );
    }
  }

  /** The configuration a plugin runs with (stored values and secrets), checked. */
  private checkedConfig(
    p: HostedPlugin,
    stored: StoredPluginConfig | undefined,
  ): { config: Record<string, unknown>; problem?: string } {
    const config = { ...stored?.values, ...stored?.secrets };
    const errors = p.loaded?.configCheck?.(config) ?? [];
    if (errors.length === 0) return { config };
    const prefix = stored ? 'configuration invalid' : 'not configured';
    return { config, problem: `${prefix}: ${describeErrors(errors)}` };
  }

  private secretValues(p: HostedPlugin, config: Record<string, unknown>): unknown[] {
    return (p.pkg?.manifest.secrets ?? []).map((f) => config[f]).filter((v) => v !== undefined);
  }

  /** Runs one lifecycle hook in the plugin's worker under the hook time limit. */
  private async hook<M extends 'init' | 'start' | 'stop' | 'health'>(
    p: HostedPlugin,
    name: M,
    args: PluginCalls[M]['args'],
  ): Promise<PluginCalls[M]['result']> {
    const worker = p.worker;
    if (!worker?.alive)
      throw new Error(`plugin '${p.name}' ${name} failed: its worker is not running`);
    try {
      return await worker.call(
        name,
        args,
        `plugin '${p.name}' ${name}`,
        hookTimeoutMs(this.config),
      );
    } catch (e) {
      if (e instanceof PluginTimeoutError) throw e;
      throw new Error(`plugin '${p.name}' ${name} failed: ${messageOf(e)}`);
    }
  }

  /** The plugin's connections as its worker runs them (connection starts under the hook limit). */
  private remote(p: HostedPlugin, worker: PluginWorker): RemoteConnections {
    const limit = hookTimeoutMs(this.config);
    return {
      start: (id, name, connector, settings) =>
        worker.call(
          'start-connection',
          { connection: id, connector, settings },
          `connection '${name}' start`,
          limit,
        ),
      stop: (id, name) =>
        worker.call('stop-connection', { connection: id }, `connection '${name}' stop`, limit),
    };
  }

  /**
   * Reads the stored configuration, starts a worker if the plugin has none (its previous one was
   * lost), and runs init → start → connections. Call under `p.lock`.
   */
  private async start(p: HostedPlugin): Promise<void> {
    if (!p.loaded) return;
    let stored: StoredPluginConfig | undefined;
    try {
      stored = await this.store.get(p.name);
    } catch (e) {
      return this.down(p, messageOf(e));
    }
    if (stored && !stored.enabled) {
      p.lifecycle = 'disabled';
      p.lastError = null;
      return;
    }
    const { config, problem } = this.checkedConfig(p, stored);
    p.redactor = new SecretRedactor(this.secretValues(p, config));
    if (problem) return this.down(p, problem);
    p.lifecycle = 'starting';
    let worker = p.worker;
    if (!worker?.alive) {
      try {
        worker = await this.respawn(p);
      } catch (e) {
        this.down(p, messageOf(e));
        this.scheduleRestart(p);
        return;
      }
    }
    const run = { controller: new AbortController() };
    try {
      await this.hook(p, 'init', { config });
    } catch (e) {
      run.controller.abort(e);
      return this.down(p, messageOf(e));
    }
    try {
      await this.hook(p, 'start', {});
    } catch (e) {
      // init may have opened something: stop gets the chance to release it.
      if (p.worker?.alive) await this.hook(p, 'stop', {}).catch(() => undefined);
      run.controller.abort(e);
      return this.down(p, messageOf(e));
    }
    p.run = run;
    p.lifecycle = 'running';
    p.lastError = null;
    await this.connectors.startAll(
      p.name,
      Object.keys(p.loaded.definition.connectors),
      config,
      p.redactor,
      this.remote(p, worker),
    );
    this.logger.info({ plugin: p.name, restarts: p.restarts }, 'plugin started');
  }

  private down(p: HostedPlugin, why: string): void {
    p.lifecycle = 'down';
    p.lastError = p.redactor.text(why);
    this.logger.warn({ plugin: p.name, err: p.lastError }, 'plugin down');
  }

  /** Connections, then `stop`, then the signal. Call under `p.lock`. */
  private async stop(p: HostedPlugin, next: PluginLifecycle): Promise<void> {
    const run = p.run;
    p.run = undefined;
    p.lifecycle = next;
    if (!run) return;
    const worker = p.worker?.alive ? p.worker : undefined;
    await this.connectors.stopAll(p.name, worker && this.remote(p, worker));
    try {
      if (worker) await this.hook(p, 'stop', {});
    } catch (e) {
      p.lastError = p.redactor.text(messageOf(e));
      this.logger.warn({ plugin: p.name, err: p.lastError }, 'plugin stop failed');
    } finally {
      run.controller.abort(new Error(`plugin '${p.name}' stopped`));
    }
  }

  // ---- for the API ----

  list(): HostedPlugin[] {
    return [...this.plugins.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): HostedPlugin {
    const p = this.plugins.get(name);
    if (!p)
      throw new NotFoundException({
        statusCode: 404,
        code: 'PLUGIN_NOT_FOUND',
        message: `no plugin '${name}'`,
      });
    return p;
  }

  /** Asks a running plugin how it is (under the hook time limit); a throw or hang is `down`. */
  async health(p: HostedPlugin): Promise<HealthReport | null> {
    const run = p.run;
    if (p.lifecycle !== 'running' || !run) return null;
    const connections = this.connectors.states(p.name);
    let own: PluginHealth;
    try {
      const answer: PluginHealth | undefined = await this.hook(p, 'health', {});
      own =
        answer === undefined
          ? { status: 'up' }
          : ['up', 'degraded', 'down'].includes(answer?.status)
            ? answer
            : { status: 'down', detail: 'health() answered no status (up, degraded or down)' };
    } catch (e) {
      own = { status: 'down', detail: messageOf(e) };
    }
    const notUp = connections.filter((c) => c.state !== 'connected');
    let status = own.status;
    const details = own.detail === undefined ? [] : [String(own.detail)];
    if (notUp.length > 0) {
      if (status === 'up') status = 'degraded';
      details.push(...notUp.map((c) => `connection '${c.name}' ${c.state}`));
    }
    return {
      status,
      ...(details.length > 0 ? { detail: p.redactor.text(details.join('; ')) } : {}),
      checkedAt: this.clock.now(),
      connections,
    };
  }

  /** The stored configuration with every secret field masked; undefined when never configured. */
  async maskedConfig(p: HostedPlugin): Promise<{
    config: Record<string, unknown>;
    secrets: Record<string, { set: boolean }>;
    enabled: boolean;
    updatedAt: number | null;
    updatedBy: string | null;
    unreadable?: string;
  }> {
    const fields = p.pkg?.manifest.secrets ?? [];
    let stored: StoredPluginConfig | undefined;
    let unreadable: string | undefined;
    try {
      stored = await this.store.get(p.name);
    } catch (e) {
      unreadable = messageOf(e);
    }
    const config: Record<string, unknown> = { ...stored?.values };
    const secrets: Record<string, { set: boolean }> = {};
    for (const f of fields) {
      const set = stored?.secrets[f] !== undefined;
      secrets[f] = { set };
      if (set) config[f] = MASK;
    }
    return {
      config,
      secrets,
      enabled: stored?.enabled ?? true,
      updatedAt: stored?.updatedAt ?? null,
      updatedBy: stored?.updatedBy ?? null,
      ...(unreadable ? { unreadable } : {}),
    };
  }

  private assertLoaded(p: HostedPlugin): LoadedPlugin {
    if (!p.loaded)
      throw new ConflictException({
        statusCode: 409,
        code: 'PLUGIN_FAILED',
        message: `plugin '${p.name}' could not be loaded (${p.lastError}); fix that first`,
      });
    return p.loaded;
  }

  /**
   * Validates and stores a configuration, then restarts the plugin with it. Secret fields left
   * out, or sent back as `********` / `{set:true}`, keep their stored value; `null` removes one.
   * Throws PluginConfigInvalid (nothing stored) when the result does not fit the schema.
   */
  async configure(name: string, input: ConfigInput, actor: string): Promise<HostedPlugin> {
    const p = this.get(name);
    const loaded = this.assertLoaded(p);
    const secretFields = new Set(p.pkg?.manifest.secrets ?? []);
    return p.lock.run(async () => {
      let stored: StoredPluginConfig | undefined;
      try {
        stored = await this.store.get(p.name);
      } catch {
        // Secrets that no longer open must be given again; the check below says which.
        stored = undefined;
      }
      const values: Record<string, unknown> = {};
      const secrets: Record<string, unknown> = {};
      for (const f of secretFields)
        if (stored?.secrets[f] !== undefined) secrets[f] = stored.secrets[f];
      for (const [k, v] of Object.entries(input)) {
        if (!secretFields.has(k)) values[k] = v;
        else if (v === null) delete secrets[k];
        else if (!isSetMarker(v)) secrets[k] = v;
      }
      const errors = loaded.configCheck?.({ ...values, ...secrets }) ?? [];
      if (errors.length > 0)
        throw new PluginConfigInvalid(
          errors.map((e) => ({ ...e, path: `/config${e.path === '/' ? '' : e.path}` })),
        );
      const enabled = stored?.enabled ?? true;
      await this.store.save(p.name, values, secrets, enabled, actor);
      // Names only: values (and above all secrets) never go to the log.
      this.logger.info(
        { plugin: p.name, actor, fields: Object.keys(values), secretsSet: Object.keys(secrets) },
        'plugin configured',
      );
      if (p.lifecycle === 'running') await this.stop(p, 'stopped');
      if (enabled) await this.start(p);
      return p;
    });
  }

  async setEnabled(name: string, enabled: boolean, actor: string): Promise<HostedPlugin> {
    const p = this.get(name);
    this.assertLoaded(p);
    return p.lock.run(async () => {
      await this.store.setEnabled(p.name, enabled, actor);
      this.logger.info(
        { plugin: p.name, actor, enabled },
        enabled ? 'plugin enabled' : 'plugin disabled',
      );
      if (p.lifecycle === 'running') await this.stop(p, enabled ? 'stopped' : 'disabled');
      if (enabled) await this.start(p);
      else p.lifecycle = 'disabled';
      return p;
    });
  }

  // ---- for the contributions (jobs, facts, notifiers) ----

  /**
   * Calls into a running plugin's worker; the plugin's context there has a signal that aborts at
   * `pluginTimeoutMs` or when the plugin stops. Throws PluginCallError: `unavailable` when the
   * plugin is not running, `timeout`, or `failed` with the plugin's message (its secrets taken
   * out) — also when its worker was lost during the call.
   */
  async call<M extends PluginMethod>(
    plugin: string,
    what: string,
    method: M,
    args: PluginCalls[M]['args'],
  ): Promise<PluginCalls[M]['result']> {
    const p = this.plugins.get(plugin);
    const run = p?.run;
    const worker = p?.worker;
    if (!p || !run || p.lifecycle !== 'running' || !worker) {
      const state = p?.lifecycle ?? 'missing';
      const why = p?.lastError ? `: ${p.lastError}` : '';
      throw new PluginCallError(
        `plugin '${plugin}' is not running (${state}${why})`,
        'unavailable',
      );
    }
    // This run's secrets: a reconfiguration during the call must not unmask the old ones.
    const redactor = p.redactor;
    try {
      return await worker.call(
        method,
        args,
        `${what} of plugin '${plugin}'`,
        callTimeoutMs(this.config),
        run.controller.signal,
      );
    } catch (e) {
      const timedOut = e instanceof PluginTimeoutError;
      throw new PluginCallError(redactor.text(messageOf(e)), timedOut ? 'timeout' : 'failed');
    }
  }

  /**
   * A rule operator of a plugin whose worker is up, evaluated there synchronously (the runtime's
   * thread waits at most RULE_OPERATOR_TIMEOUT_MS). Throws when it fails, is slow or has no worker.
   */
  evaluateOperator(
    plugin: string,
    name: string,
    factValue: unknown,
    compareValue: unknown,
  ): boolean {
    const p = this.plugins.get(plugin);
    const worker = p?.worker;
    if (!p || !worker?.alive)
      throw new Error(`plugin '${plugin}' is not running (${p?.lifecycle ?? 'missing'})`);
    try {
      return worker.evaluateOperator(name, factValue, compareValue, RULE_OPERATOR_TIMEOUT_MS);
    } catch (e) {
      throw new Error(p.redactor.text(messageOf(e)));
    }
  }

  /**
   * Takes the plugin's current secret values out of text it returned (outcome messages); take it
   * before the call, so a reconfiguration meanwhile does not swap in the new secrets' redactor.
   */
  redactorFor(plugin: string): (text: string) => string {
    const redactor = this.plugins.get(plugin)?.redactor;
    return (text) => redactor?.text(text) ?? text;
  }
}
