import { basename, join } from 'node:path';
import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { JobContext, PluginContext, PluginHealth } from '@safeflow/plugin-sdk';
import type { Logger } from 'pino';
import type { Clock } from '../common/clock.js';
import { Mutex } from '../common/mutex.js';
import type { RuntimeConfig } from '../config.js';
import { JobHandlerRegistry } from '../jobs/job-handlers.js';
import { CLOCK, CONFIG, LOGGER } from '../tokens.js';
import { messageOf, PluginTimeoutError, withinTime } from './bounded-call.js';
import { ConnectorsService, type ConnectionState } from './connectors.service.js';
import { callContext, createPluginContext, pluginLogger } from './plugin-context.js';
import { PluginContributions } from './plugin-contributions.js';
import { PluginConfigStore, type StoredPluginConfig } from './plugin-config-store.js';
import { discoverPlugins } from './plugin-discovery.js';
import { PluginCallError } from './plugin-errors.js';
import { pluginJobHandler } from './plugin-job-handler.js';
import { describeErrors, type SchemaError } from './plugin-json-schema.js';
import { loadPlugin, type LoadedPlugin } from './plugin-loader.js';
import {
  PluginLoadError,
  readPluginPackage,
  type PluginPackage,
  type PluginSource,
} from './plugin-package.js';
import { callTimeoutMs, hookTimeoutMs } from './plugin-timeouts.js';
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
  /** The current run's context and the controller that aborts its signal. */
  run: { ctx: PluginContext; controller: AbortController } | undefined;
  redactor: SecretRedactor;
  /** Lifecycle changes (start, stop, configure) of one plugin happen one at a time. */
  lock: Mutex;
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
 * Loads plugins (configured packages and the plugins folder), keeps their configuration, runs
 * their lifecycle under time limits, and answers for them: a plugin that throws, rejects or hangs
 * is marked down with the reason, and the runtime carries on.
 */
@Injectable()
export class PluginHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly plugins = new Map<string, HostedPlugin>();

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
      for (const [type, handler] of Object.entries(p.loaded!.definition.taskHandlers ?? {}))
        this.jobHandlers.register(type, pluginJobHandler(this, p.name, type, handler));
    this.logger.info(
      { plugins: [...this.plugins.values()].map((p) => ({ name: p.name, status: p.lifecycle })) },
      'plugins loaded',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [...this.plugins.values()].map((p) =>
        p.lock.run(async () => {
          if (p.lifecycle === 'running') await this.stop(p, 'stopped');
        }),
      ),
    );
  }

  private add(p: Omit<HostedPlugin, 'lock' | 'redactor' | 'run'>): void {
    this.plugins.set(p.name, {
      ...p,
      run: undefined,
      redactor: new SecretRedactor([]),
      lock: new Mutex(),
    });
  }

  private failed(name: string, source: PluginSource, pkg: PluginPackage | undefined, why: string) {
    this.logger.error({ plugin: name }, why);
    // A second failure under the same name (two broken copies) is logged, not listed twice.
    if (this.plugins.has(name)) return;
    this.add({ name, source, pkg, loaded: undefined, lifecycle: 'failed', lastError: why });
  }

  /** Discovers, reads and imports every plugin; one that cannot be loaded is listed as failed. */
  private async loadAll(): Promise<void> {
    for (const candidate of discoverPlugins(this.config.plugins ?? [], this.pluginsDir)) {
      const fallbackName =
        candidate.source === 'package' ? candidate.requested : basename(candidate.requested);
      if ('missing' in candidate) {
        this.failed(fallbackName, 'package', undefined, candidate.missing);
        continue;
      }
      let pkg: PluginPackage | undefined;
      try {
        pkg = readPluginPackage(candidate.root, candidate.source);
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
        if (this.plugins.has(pkg.name)) {
          // Listed once (the first found); the other copy is only logged.
          this.logger.error(
            { plugin: pkg.name, root: pkg.root },
            `plugin '${pkg.name}' is found twice; the copy in ${pkg.root} is ignored`,
          );
          continue;
        }
        const loaded = await loadPlugin(pkg, hookTimeoutMs(this.config));
        this.contributions.claim(loaded, (type) => this.jobHandlers.get(type) !== undefined);
        this.add({
          name: pkg.name,
          source: candidate.source,
          pkg,
          loaded,
          lifecycle: 'stopped',
          lastError: null,
        });
      } catch (e) {
        const named = e instanceof PluginLoadError ? e.plugin : undefined;
        this.failed(pkg?.name ?? named ?? fallbackName, candidate.source, pkg, messageOf(e));
      }
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

  /** Runs one lifecycle hook under the hook time limit; undefined when the plugin has none. */
  private async hook(
    p: HostedPlugin,
    name: 'init' | 'start' | 'stop' | 'health',
    ctx: PluginContext,
  ): Promise<unknown> {
    const definition = p.loaded!.definition;
    const fn = definition[name] as
      ((this: typeof definition, ctx: PluginContext) => unknown) | undefined;
    if (!fn) return undefined;
    try {
      return await withinTime(`plugin '${p.name}' ${name}`, hookTimeoutMs(this.config), () =>
        fn.call(definition, ctx),
      );
    } catch (e) {
      if (e instanceof PluginTimeoutError) throw e;
      throw new Error(`plugin '${p.name}' ${name} failed: ${messageOf(e)}`);
    }
  }

  /** Reads the stored configuration and runs init → start → connections. Call under `p.lock`. */
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
    const controller = new AbortController();
    const log = this.logger.child({ plugin: p.name });
    const ctx = createPluginContext(
      config,
      pluginLogger(log, p.redactor),
      this.clock,
      controller.signal,
    );
    p.lifecycle = 'starting';
    try {
      await this.hook(p, 'init', ctx);
    } catch (e) {
      controller.abort(e);
      return this.down(p, messageOf(e));
    }
    try {
      await this.hook(p, 'start', ctx);
    } catch (e) {
      // init may have opened something: stop gets the chance to release it.
      await this.hook(p, 'stop', ctx).catch(() => undefined);
      controller.abort(e);
      return this.down(p, messageOf(e));
    }
    p.run = { ctx, controller };
    p.lifecycle = 'running';
    p.lastError = null;
    await this.connectors.startAll(p.loaded, ctx, p.redactor);
    this.logger.info({ plugin: p.name }, 'plugin started');
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
    await this.connectors.stopAll(p.name);
    try {
      await this.hook(p, 'stop', run.ctx);
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
      const answer = (await this.hook(p, 'health', run.ctx)) as PluginHealth | undefined;
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
   * Calls into a running plugin with a context whose signal aborts at `pluginTimeoutMs` or when the
   * plugin stops. Throws PluginCallError: `unavailable` when the plugin is not running, `timeout`,
   * or `failed` with the plugin's message (its secrets taken out).
   */
  async call<T>(
    plugin: string,
    what: string,
    work: (ctx: JobContext) => Promise<T> | T,
  ): Promise<T> {
    const p = this.plugins.get(plugin);
    const run = p?.run;
    if (!p || !run || p.lifecycle !== 'running') {
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
      return await withinTime(
        `${what} of plugin '${plugin}'`,
        callTimeoutMs(this.config),
        (signal) => work(callContext(run.ctx, signal)),
        run.controller.signal,
      );
    } catch (e) {
      const timedOut = e instanceof PluginTimeoutError;
      throw new PluginCallError(redactor.text(messageOf(e)), timedOut ? 'timeout' : 'failed');
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
