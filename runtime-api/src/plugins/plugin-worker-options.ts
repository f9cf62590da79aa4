/**
 * What a plugin's worker is started with and what it reports back, as types only: the loader, the
 * spawner and the worker share them without importing each other's code.
 */
import type { ClockSample, LogLevel } from './plugin-worker-protocol.js';

/** What the worker tells the runtime besides answers. */
export interface PluginWorkerEvents {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  reading(connection: string, reading: unknown): void;
  status(
    connection: string,
    state: 'connecting' | 'connected' | 'disconnected',
    detail?: string,
  ): void;
  /** The worker ended without being asked to: crashed, ran out of memory, or stuck and killed. */
  lost(reason: string): void;
}

export interface PluginWorkerOptions {
  plugin: string;
  /** Absolute path of the plugin's main module. */
  main: string;
  /** Heap limit of the worker (old generation), MB. */
  maxHeapMb: number;
  /** How long a timed-out call's worker gets to acknowledge the abort before it is terminated. */
  abortGraceMs: number;
  /** The runtime's clock now, sent with each call. */
  clock: () => ClockSample;
  /** Time limit of loading the main module. */
  loadTimeoutMs: number;
}
