import type { Variables } from './json-schema.js';

/** Structured logging for a plugin; the runtime redacts the plugin's secret values from every line. */
export interface PluginLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Everything a plugin may use of the runtime. Plugins get capabilities only through this object —
 * no database, no engine, no other plugin's configuration. The runtime runs each plugin in a
 * worker thread of its own and builds this object there from messages, so none of the runtime's
 * objects are within reach (a thread is not an OS sandbox, though: files and the network are;
 * see docs/plugins.md, "Failures and isolation").
 */
export interface PluginContext<Config = Record<string, unknown>> {
  /** The plugin's configuration, validated against its manifest's configSchema, secrets decrypted. */
  readonly config: Config;
  readonly logger: PluginLogger;
  /** The runtime's clock, ms since epoch (tests inject a controllable one). */
  now(): number;
  /** Aborted when the plugin is stopped; pass it to long-running I/O. */
  readonly signal: AbortSignal;
}

/** Handed to a task handler for one job attempt. */
export interface JobContext<Config = Record<string, unknown>> extends PluginContext<Config> {
  /**
   * Aborted when the attempt times out (or the plugin stops): stop work and let it fail. The job
   * is retried, so side effects must be idempotent by `job.idempotencyKey`.
   */
  readonly signal: AbortSignal;
}

/** Convenience for plugins that build variables. */
export type { Variables };
