/**
 * The messages between the runtime and a plugin's worker thread. Only data crosses (structured
 * clone): the plugin's code and objects stay in its worker, the runtime's in the runtime.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ElementTemplate, JsonSchema, PluginHealth } from '@safeflow/plugin-sdk';

/**
 * The runtime's clock as sent with every call: the worker's `now()` starts from `now` and, when
 * `ticking`, moves on with the worker's monotonic clock until the next call; a manual clock (tests,
 * tools) does not tick between calls, so neither does the worker's copy.
 */
export interface ClockSample {
  now: number;
  ticking: boolean;
}

/** What the worker found in the plugin's default export: names and data, no functions. */
export interface PluginDescriptor {
  name: string;
  hooks: Array<'init' | 'start' | 'stop' | 'health'>;
  taskTypes: string[];
  factProviders: Record<string, { description?: string; paramsSchema?: JsonSchema }>;
  connectors: Record<string, { description?: string }>;
  notifiers: Record<string, { description?: string }>;
  ruleOperators: Record<string, { description?: string }>;
  elementTemplates: ElementTemplate[];
}

/** The calls the runtime makes into a plugin, with their arguments and answers. */
export interface PluginCalls {
  init: { args: { config: Record<string, unknown> }; result: void };
  start: { args: Record<string, never>; result: void };
  /** Runs the plugin's stop hook, then aborts the run's signal. */
  stop: { args: Record<string, never>; result: void };
  health: { args: Record<string, never>; result: PluginHealth | undefined };
  'handle-job': { args: { type: string; input: unknown }; result: unknown };
  'fetch-fact': { args: { provider: string; params: unknown }; result: unknown };
  'send-notification': { args: { notifier: string; notification: unknown }; result: unknown };
  /** `stoppable`: the connector returned a handle with stop(). */
  'start-connection': {
    args: { connection: string; connector: string; settings: Record<string, unknown> };
    result: { stoppable: boolean };
  };
  'stop-connection': { args: { connection: string }; result: void };
}

export type PluginMethod = keyof PluginCalls;

export type ToWorker =
  | {
      kind: 'call';
      id: number;
      method: PluginMethod;
      args: PluginCalls[PluginMethod]['args'];
      clock: ClockSample;
    }
  /** Abort a call's signal (time limit, plugin stopping); answered with `aborted`. */
  | { kind: 'abort'; id: number; reason: string }
  /**
   * A rule operator, answered synchronously: the worker posts the answer on the operator port,
   * then sets `flag[0]` to 1 and wakes the runtime, which waits on it with Atomics.wait.
   */
  | {
      kind: 'evaluate-operator';
      id: number;
      name: string;
      factValue: unknown;
      compareValue: unknown;
      flag: Int32Array;
    };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type FromWorker =
  /** The thread is up (tsx registered if needed): the plugin's own import starts now. */
  | { kind: 'importing' }
  | { kind: 'loaded'; descriptor: PluginDescriptor }
  | { kind: 'load-failed'; message: string }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; message: string }
  | { kind: 'aborted'; id: number }
  | { kind: 'log'; level: LogLevel; message: string; fields?: Record<string, unknown> }
  /** `reading` is null when the connector pushed something that cannot be sent (counted dropped). */
  | { kind: 'reading'; connection: string; reading: unknown }
  | {
      kind: 'connection-status';
      connection: string;
      state: 'connecting' | 'connected' | 'disconnected';
      detail?: string;
    };

/** The answer of `evaluate-operator`, on the operator port. */
export type OperatorAnswer = { id: number; value: boolean } | { id: number; error: string };

/** What the worker is started with (`workerData`). */
export interface PluginWorkerData {
  plugin: string;
  /** file: URL of the plugin's main module. */
  main: string;
  /** file: URL of the worker entry (plugin-worker-main). */
  entry: string;
  /** file: URL of tsx's ESM API, when TypeScript must be loadable; null otherwise. */
  tsx: string | null;
  operatorPort: MessagePort;
}
