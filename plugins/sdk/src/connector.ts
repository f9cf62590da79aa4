import type { PluginContext } from './plugin-context.js';

/** OPC UA-style quality of a reading: alarms must not fire on `bad` data, nor be silenced by it. */
export type ReadingQuality = 'good' | 'uncertain' | 'bad';

/**
 * One value of one tag from the plant: the same shape whatever the protocol (MQTT, Modbus TCP,
 * OPC UA), so alarms and gates do not care where a reading came from.
 */
export interface Reading {
  /** The connector instance that produced it, e.g. `mqtt:plant-broker`. */
  source: string;
  /** SafeFlow's tag name, e.g. `unit3.h2s.ppm` (after the connector's mapping). */
  tag: string;
  value: number | string | boolean;
  unit?: string;
  quality: ReadingQuality;
  /** When the device measured it (ms since epoch); the receive time when the device gives none. */
  timestamp: number;
}

/** Where a connector delivers readings; the runtime stamps, routes and stores them. */
export interface ReadingSink {
  push(reading: Reading): void;
  /** Connection state changes, shown in the plugin's health. */
  status(state: 'connecting' | 'connected' | 'disconnected', detail?: string): void;
}

/** A running connection to a data source. */
export interface Connector {
  stop(): Promise<void> | void;
}

/**
 * Starts a connector with its own settings (one plugin may run several connections, e.g. one per
 * broker). Reconnecting after a drop is the connector's job.
 */
export interface ConnectorFactory<Config = Record<string, unknown>> {
  description?: string;
  start(
    settings: Record<string, unknown>,
    sink: ReadingSink,
    ctx: PluginContext<Config>,
  ): Promise<Connector> | Connector;
}
