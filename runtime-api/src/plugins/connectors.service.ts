import { Inject, Injectable } from '@nestjs/common';
import type { Reading } from '@safeflow/plugin-sdk';
import type { Logger } from 'pino';
import { LOGGER } from '../tokens.js';
import { messageOf } from './bounded-call.js';
import { ReadingsService, type ConnectionSink } from './readings.service.js';
import type { SecretRedactor } from './secret-redactor.js';
import { isObject } from './is-object.js';

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
  /** The id the plugin's worker knows this connection by (unique per start). */
  id: string;
  state: ConnectionState;
  sink: ConnectionSink;
  stoppable: boolean;
}

/** The plugin's side of its connections: its worker, through the plugin host (time-limited). */
export interface RemoteConnections {
  start(
    id: string,
    name: string,
    connector: string,
    settings: Record<string, unknown>,
  ): Promise<{ stoppable: boolean }>;
  stop(id: string, name: string): Promise<void>;
}

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
 * stopped before its `stop`), each with a sink into the readings store; the connector's code runs
 * in the plugin's worker, which posts readings and statuses back by connection id. A connector that throws,
 * rejects or hangs while starting is one failed connection: the plugin shows degraded, the others
 * run.
 */
@Injectable()
export class ConnectorsService {
  private readonly running = new Map<string, RunningConnection[]>();
  private generation = 0;

  constructor(
    @Inject(ReadingsService) private readonly readings: ReadingsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Starts the connections `config` asks for. `connectors` are the plugin's connector names;
   * readings and statuses its worker posts come back through `deliver` and `status`.
   */
  async startAll(
    plugin: string,
    connectors: string[],
    config: Record<string, unknown>,
    redactor: SecretRedactor,
    remote: RemoteConnections,
  ): Promise<void> {
    const specs = connectionSpecs(config);
    const list: RunningConnection[] = [];
    this.running.set(plugin, list);
    if (typeof specs === 'string') {
      this.logger.warn({ plugin }, specs);
      return;
    }
    const generation = ++this.generation;
    await Promise.all(
      specs.map(async (spec, i) => {
        const connector = spec.connector ?? (connectors.length === 1 ? connectors[0]! : '');
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
        const entry: RunningConnection = {
          id: `${generation}:${i}`,
          state,
          sink,
          stoppable: false,
        };
        list.push(entry);
        if (!connectors.includes(connector)) {
          sink.close();
          state.state = 'failed';
          state.detail = spec.connector
            ? `the plugin has no connector '${spec.connector}' (it has: ${connectors.join(', ') || 'none'})`
            : `name the connector (one of: ${connectors.join(', ') || 'none'})`;
          return;
        }
        try {
          entry.stoppable = (
            await remote.start(entry.id, spec.name, connector, spec.settings)
          ).stoppable;
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

  /** A reading the plugin's worker pushed into connection `id` (ignored once it stopped). */
  deliver(plugin: string, id: string, reading: unknown): void {
    this.find(plugin, id)?.sink.push(reading as Reading);
  }

  /** A state the plugin's worker reported for connection `id`. */
  status(
    plugin: string,
    id: string,
    state: 'connecting' | 'connected' | 'disconnected',
    detail?: string,
  ): void {
    this.find(plugin, id)?.sink.status(state, detail);
  }

  private find(plugin: string, id: string): RunningConnection | undefined {
    return this.running.get(plugin)?.find((c) => c.id === id);
  }

  /** Closes the plugin's connections; asks its worker to stop them unless it is gone (`remote` undefined). */
  async stopAll(plugin: string, remote: RemoteConnections | undefined): Promise<void> {
    const list = this.running.get(plugin) ?? [];
    this.running.delete(plugin);
    await Promise.all(
      list.map(async ({ id, state, sink, stoppable }) => {
        sink.close();
        if (!stoppable || !remote) return;
        try {
          await remote.stop(id, state.name);
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
