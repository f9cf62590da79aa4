/**
 * The entry of a plugin's worker thread: imports the plugin's main module, describes it to the
 * runtime, then answers the runtime's calls. The plugin's context is built here from messages
 * only — its configuration (already decrypted by the runtime), a logger that posts its lines to
 * the runtime (which redacts the plugin's secrets), `now()` from the clock sample sent with each
 * call, and AbortSignals the runtime aborts by message. Nothing of the runtime's own objects is
 * in this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type {
  Connector,
  JobContext,
  PluginContext,
  PluginDefinition,
  PluginLogger,
  ReadingSink,
} from '@safeflow/plugin-sdk';
import { messageOf } from './bounded-call.js';
import { checkDefinition, describeDefinition } from './plugin-definition-check.js';
import type {
  ClockSample,
  FromWorker,
  LogLevel,
  OperatorAnswer,
  PluginCalls,
  PluginMethod,
  PluginWorkerData,
  ToWorker,
} from './plugin-worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('plugin-worker-main runs as a worker thread');
const data = workerData as PluginWorkerData;
const post = (m: FromWorker) => port.postMessage(m);

// ---- clock ----

let clock: ClockSample & { at: number } = { now: 0, ticking: false, at: performance.now() };
const now = () =>
  clock.ticking ? clock.now + Math.floor(performance.now() - clock.at) : clock.now;

// ---- logger ----

/** A copy of `value` that can be posted: errors as {name, message}, functions as text, cycles cut. */
function plain(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value !== 'object' || value === null)
    return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint'
      ? String(value)
      : value;
  if (depth > 8 || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = plain(v, depth + 1, seen);
  return out;
}

const line =
  (level: LogLevel) =>
  (message: string, fields?: Record<string, unknown>): void => {
    try {
      post({
        kind: 'log',
        level,
        message: String(message),
        ...(fields === undefined ? {} : { fields: plain(fields) as Record<string, unknown> }),
      });
    } catch {
      // A line that cannot be sent must not break the plugin's work.
    }
  };
const logger: PluginLogger = {
  debug: line('debug'),
  info: line('info'),
  warn: line('warn'),
  error: line('error'),
};

/** Deep-frozen: a plugin cannot change its configuration behind the runtime's back. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) frozen(v);
  }
  return value;
}

// ---- the plugin ----

let definition: PluginDefinition;
/** The current run (init → stop): its context and the controller of its signal. */
let run: { ctx: PluginContext; controller: AbortController } | undefined;
const calls = new Map<number, AbortController>();
const connections = new Map<string, Connector>();

function running(): { ctx: PluginContext; controller: AbortController } {
  if (!run) throw new Error(`plugin '${data.plugin}' is not running`);
  return run;
}

function callContext(signal: AbortSignal): JobContext {
  const { ctx } = running();
  return {
    config: ctx.config,
    logger,
    now,
    signal: AbortSignal.any([signal, ctx.signal]),
  };
}

function entryOf<T>(kind: string, entries: Record<string, T> | undefined, name: string): T {
  const entry = entries?.[name];
  if (!entry) throw new Error(`plugin '${data.plugin}' has no ${kind} '${name}'`);
  return entry;
}

function sinkFor(connection: string): ReadingSink {
  return {
    push(reading) {
      try {
        post({ kind: 'reading', connection, reading });
      } catch {
        // Not sendable (a function inside): the runtime counts it as a refused reading.
        post({ kind: 'reading', connection, reading: null });
      }
    },
    status(state, detail) {
      post({
        kind: 'connection-status',
        connection,
        state,
        ...(detail === undefined ? {} : { detail: String(detail) }),
      });
    },
  };
}

type Handlers = {
  [M in PluginMethod]: (
    args: PluginCalls[M]['args'],
    signal: AbortSignal,
  ) => Promise<PluginCalls[M]['result']> | PluginCalls[M]['result'];
};

const handlers: Handlers = {
  async init({ config }) {
    run?.controller.abort(new Error(`plugin '${data.plugin}' restarted`));
    const controller = new AbortController();
    run = {
      ctx: { config: frozen(config), logger, now, signal: controller.signal },
      controller,
    };
    await definition.init?.(run.ctx);
  },
  async start() {
    await definition.start?.(running().ctx);
  },
  async stop() {
    const current = run;
    if (!current) return;
    try {
      await definition.stop?.(current.ctx);
    } finally {
      current.controller.abort(new Error(`plugin '${data.plugin}' stopped`));
      connections.clear();
    }
  },
  health() {
    return definition.health?.(running().ctx);
  },
  'handle-job'({ type, input }, signal) {
    const handler = entryOf('task type', definition.taskHandlers, type);
    return handler(input as Parameters<typeof handler>[0], callContext(signal));
  },
  'fetch-fact'({ provider, params }, signal) {
    const p = entryOf('fact provider', definition.factProviders, provider);
    return p.fetch(params as Parameters<typeof p.fetch>[0], callContext(signal));
  },
  'send-notification'({ notifier, notification }, signal) {
    const n = entryOf('notifier', definition.notifiers, notifier);
    return n.send(notification as Parameters<typeof n.send>[0], callContext(signal));
  },
  async 'start-connection'({ connection, connector, settings }) {
    const factory = entryOf('connector', definition.connectors, connector);
    const handle = await factory.start(settings, sinkFor(connection), running().ctx);
    const stoppable = typeof handle?.stop === 'function';
    if (stoppable) connections.set(connection, handle);
    return { stoppable };
  },
  async 'stop-connection'({ connection }) {
    const handle = connections.get(connection);
    connections.delete(connection);
    await handle?.stop();
  },
};

/** Posts an answer; one that cannot be cloned goes as its JSON (as the runtime would keep it). */
function answer(id: number, value: unknown): void {
  try {
    post({ kind: 'result', id, value });
  } catch (e) {
    let json: unknown;
    try {
      json = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
    } catch {
      post({ kind: 'error', id, message: `answered a value that cannot be sent: ${messageOf(e)}` });
      return;
    }
    post({ kind: 'result', id, value: json });
  }
}

async function callOf(m: Extract<ToWorker, { kind: 'call' }>): Promise<void> {
  clock = { ...m.clock, at: performance.now() };
  const controller = new AbortController();
  calls.set(m.id, controller);
  try {
    const handler = handlers[m.method] as (a: unknown, s: AbortSignal) => unknown;
    // `new Promise` turns a synchronous throw of the plugin into a rejection like any other.
    const value = await new Promise((resolve) => resolve(handler(m.args, controller.signal)));
    answer(m.id, value);
  } catch (e) {
    post({ kind: 'error', id: m.id, message: messageOf(e) });
  } finally {
    calls.delete(m.id);
  }
}

function evaluateOperator(m: Extract<ToWorker, { kind: 'evaluate-operator' }>): void {
  let out: OperatorAnswer;
  try {
    const op = entryOf('rule operator', definition.ruleOperators, m.name);
    out = {
      id: m.id,
      value: op.evaluate(m.factValue as never, m.compareValue as never) === true,
    };
  } catch (e) {
    out = { id: m.id, error: messageOf(e) };
  }
  // The answer first, then the flag: when the runtime wakes, the answer is on the port.
  data.operatorPort.postMessage(out);
  Atomics.store(m.flag, 0, 1);
  Atomics.notify(m.flag, 0);
}

port.on('message', (m: ToWorker) => {
  switch (m.kind) {
    case 'call':
      void callOf(m);
      break;
    case 'abort':
      // Listeners run now (they may log); the acknowledgement follows their lines.
      calls.get(m.id)?.abort(new Error(m.reason));
      post({ kind: 'aborted', id: m.id });
      break;
    case 'evaluate-operator':
      evaluateOperator(m);
      break;
  }
});

/** Imports the plugin and tells the runtime what it found, or why it cannot be used. */
async function load(): Promise<void> {
  let exported: unknown;
  post({ kind: 'importing' });
  try {
    exported = ((await import(data.main)) as { default?: unknown }).default;
  } catch (e) {
    post({
      kind: 'load-failed',
      message: `plugin '${data.plugin}' failed to load: ${messageOf(e)}`,
    });
    return;
  }
  try {
    definition = checkDefinition(data.plugin, exported);
    post({ kind: 'loaded', descriptor: describeDefinition(definition) });
  } catch (e) {
    post({ kind: 'load-failed', message: messageOf(e) });
  }
}

await load();
