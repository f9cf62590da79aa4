import { Inject, Injectable } from '@nestjs/common';
import type { Connector, PluginContext } from '@safeflow/plugin-sdk';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config.js';
import { CONFIG, LOGGER } from '../tokens.js';
import { messageOf, withinTime } from './bounded-call.js';
import type { LoadedPlugin } from './plugin-loader.js';
import { hookTimeoutMs } from './plugin-timeouts.js';
import { ReadingsService, type ConnectionSink } from './readings.service.js';
import type { SecretRedactor } from './secret-redactor.js';

/** How one configured connection is doing, for the plugin's health. */
export interface ConnectionState {
  name: string;
  connector: string;
  state: 'connecting' | 'connected' | 'disconnected' | 'failed';
  detail?: string;
  /** Readings refused as malformed. */
  dropped: number;
}

/** One entry of a plugin's `config.connections`. */
interface ConnectionSpec {
  name: string;
  connector: string | undefined;
  settings: Record<string, unknown>;
}

interface RunningConnection {
  state: ConnectionState;
  sink: ConnectionSink;
  handle: Connector | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The convention for connector configuration: the plugin's config has
 * `connections: [{ name, connector?, settings }]` — `connector` names one of the plugin's connector
 * factories (it may be left out when the plugin has exactly one), `settings` is what that factory's
 * `start` receives. Entries that do not fit are reported as failed connections, not thrown.
 */
function connectionSpecs(config: Record<string, unknown>): ConnectionSpec[] | string {
  const raw = config.connections;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return 'config.connections must be an array';
  return raw.map((c: unknown, i) =>
    isObject(c) && typeof c.name === 'string'
      ? {
          name: c.name,
          connector: typeof c.connector === 'string' ? c.connector : undefined,
          settings: isObject(c.settings) ? c.settings : {},
        }
      : { name: `#${i + 1}`, connector: undefined, settings: {} },
  );
}

/**
 * Runs the connections a plugin's configuration asks for (started after the plugin's `start`,
 * stopped before its `stop`), each with a sink into the readings store. A connector that throws,
 * rejects or hangs while starting is one failed connection: the plugin shows degraded, the others
 * run.
 */
@Injectable()
export class ConnectorsService {
  private readonly running = new Map<string, RunningConnection[]>();

  constructor(
    @Inject(ReadingsService) private readonly readings: ReadingsService,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async startAll(
    loaded: LoadedPlugin,
    ctx: PluginContext,
    redactor: SecretRedactor,
  ): Promise<void> {
    const plugin = loaded.pkg.name;
    const factories = loaded.definition.connectors ?? {};
    const names = Object.keys(factories);
    const specs = connectionSpecs(ctx.config);
    const list: RunningConnection[] = [];
    this.running.set(plugin, list);
    if (typeof specs === 'string') {
      this.logger.warn({ plugin }, specs);
      return;
    }
    await Promise.all(
      specs.map(async (spec) => {
        const connector = spec.connector ?? (names.length === 1 ? names[0]! : '');
        const state: ConnectionState = {
          name: spec.name,
          connector,
          state: 'connecting',
          dropped: 0,
        };
        const sink = this.readings.sinkFor(`${connector}:${spec.name}`, (s, detail) => {
          state.state = s;
          if (detail === undefined) delete state.detail;
          else state.detail = redactor.text(String(detail));
        });
        const entry: RunningConnection = { state, sink, handle: undefined };
        list.push(entry);
        const factory = factories[connector];
        if (!factory) {
          state.state = 'failed';
          state.detail = spec.connector
            ? `the plugin has no connector '${spec.connector}' (it has: ${names.join(', ') || 'none'})`
            : `name the connector (one of: ${names.join(', ') || 'none'})`;
          return;
        }
        try {
          const handle = await withinTime(
            `connection '${spec.name}' start`,
            hookTimeoutMs(this.config),
            () => factory.start(spec.settings, sink, ctx),
          );
          // Without stop() there is nothing to call at shutdown; its sink is still closed then.
          entry.handle = typeof handle?.stop === 'function' ? handle : undefined;
        } catch (e) {
          sink.close();
          state.state = 'failed';
          state.detail = redactor.text(messageOf(e));
          this.logger.warn(
            { plugin, connection: spec.name, err: state.detail },
            'connection failed',
          );
        }
      }),
    );
  }

  async stopAll(plugin: string): Promise<void> {
    const list = this.running.get(plugin) ?? [];
    this.running.delete(plugin);
    await Promise.all(
      list.map(async ({ state, sink, handle }) => {
        sink.close();
        if (!handle) return;
        try {
          await withinTime(`connection '${state.name}' stop`, hookTimeoutMs(this.config), () =>
            handle.stop(),
          );
        } catch (e) {
          this.logger.warn(
            { plugin, connection: state.name, err: messageOf(e) },
            'connection stop failed',
          );
        }
      }),
    );
  }

  states(plugin: string): ConnectionState[] {
    return (this.running.get(plugin) ?? []).map(({ state, sink }) => ({
      ...state,
      dropped: sink.dropped,
    }));
  }
}
