import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
} from 'node:worker_threads';
import { messageOf, PluginStoppedError, PluginTimeoutError } from './bounded-call.js';
import type {
  ClockSample,
  FromWorker,
  LogLevel,
  OperatorAnswer,
  PluginCalls,
  PluginDescriptor,
  PluginMethod,
  PluginWorkerData,
  ToWorker,
} from './plugin-worker-protocol.js';

/** How the runtime's own code runs: from TypeScript sources (npm start, vitest) or compiled. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const ENTRY = new URL(`./plugin-worker-main${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url).href;
const TYPESCRIPT = /\.(c|m)?tsx?$/;
/**
 * Starting a thread (and tsx in it) is the runtime's cost, not the plugin's: it has a limit of its
 * own, generous for a loaded machine; the plugin's import then gets the load time limit.
 */
const THREAD_START_TIMEOUT_MS = 30_000;

/**
 * Worker threads do not inherit `--import tsx`: when the runtime runs from its TypeScript sources
 * or the plugin's main is TypeScript, the thread registers tsx itself before importing anything.
 * Compiled runtimes loading JavaScript plugins need no tsx at all.
 */
const BOOTSTRAP = `const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})().catch((e) => {
  parentPort.postMessage({ kind: 'load-failed', message: 'plugin ' + JSON.stringify(workerData.plugin) + ' failed to load: ' + (e && e.message || String(e)) });
});`;

let tsxApi: string | null | undefined;
/** tsx's ESM API as a file URL, or null when tsx is not installed. */
function tsxApiUrl(): string | null {
  if (tsxApi !== undefined) return tsxApi;
  try {
    const pkgFile = createRequire(import.meta.url).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
      exports: Record<string, { import: { default: string } }>;
    };
    tsxApi = pathToFileURL(join(dirname(pkgFile), pkg.exports['./esm/api']!.import.default)).href;
  } catch {
    tsxApi = null;
  }
  return tsxApi;
}

/** `--conditions` of the runtime (npm start passes `source`), and `source` when run from sources. */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--conditions=')) out.push(a);
    else if ((a === '--conditions' || a === '-C') && argv[i + 1])
      out.push(`--conditions=${argv[++i]}`);
  }
  if (FROM_SOURCE && !out.includes('--conditions=source')) out.push('--conditions=source');
  return out;
}

/**
 * The runtime's environment minus what opens its own doors: the database URL and password, the
 * secrets key, the JWT secret, the admin password (all of SAFEFLOW_*, DATABASE_URL and PG*).
 */
function workerEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(SAFEFLOW_|DATABASE_URL$|PG)/.test(k)) env[k] = v;
  return env;
}

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

interface Pending {
  what: string;
  timeoutMs: number;
  /** Set once the time limit passed: the call waits for the abort's acknowledgement. */
  timedOut: boolean;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Run when the call settles: clear its timers, drop its abort listener. */
  cleanups: Array<() => void>;
}

/**
 * One plugin's worker thread, seen from the runtime: loads the plugin, calls into it with time
 * limits, evaluates its rule operators synchronously (bounded), and ends it. A call that times out
 * has its signal aborted in the worker; a worker that does not even acknowledge the abort within
 * the grace period is stuck (a synchronous loop) and is terminated — the plugin host starts a new
 * one. Nothing here throws into the runtime from a worker's event: a crash is reported by `lost`.
 */
export class PluginWorker {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  /** Why the worker ended (set once). */
  private ended: string | undefined;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  /** An operator evaluation that timed out and has not answered yet. */
  private operatorLate: number | undefined;
  private descriptor!: PluginDescriptor;

  private constructor(
    private readonly options: PluginWorkerOptions,
    private readonly events: PluginWorkerEvents,
    private readonly worker: Worker,
    private readonly operatorPort: MessagePort,
  ) {}

  /** Starts a worker and loads the plugin; rejects (worker ended) with the reason it cannot. */
  static spawn(
    options: PluginWorkerOptions,
    events: PluginWorkerEvents,
  ): Promise<{ worker: PluginWorker; descriptor: PluginDescriptor }> {
    const typescript = FROM_SOURCE || TYPESCRIPT.test(options.main);
    const tsx = typescript ? tsxApiUrl() : null;
    if (typescript && !tsx)
      return Promise.reject(
        new Error(
          `plugin '${options.plugin}' failed to load: its main ${options.main} is TypeScript and tsx ` +
            'is not installed; load its compiled JavaScript instead',
        ),
      );
    const channel = new MessageChannel();
    const data: PluginWorkerData = {
      plugin: options.plugin,
      main: pathToFileURL(options.main).href,
      entry: ENTRY,
      tsx,
      operatorPort: channel.port2,
    };
    const thread = new Worker(BOOTSTRAP, {
      eval: true,
      name: `plugin ${options.plugin}`,
      workerData: data,
      transferList: [channel.port2],
      env: workerEnv(),
      execArgv: workerExecArgv(),
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb },
    });
    const worker = new PluginWorker(options, events, thread, channel.port1);
    return worker.load();
  }

  private load(): Promise<{ worker: PluginWorker; descriptor: PluginDescriptor }> {
    return new Promise((resolve, reject) => {
      let lastError: unknown;
      let loading = true;
      let timer = setTimeout(() => {
        fail(
          `plugin '${this.options.plugin}' failed to load: its worker thread did not start within ${THREAD_START_TIMEOUT_MS} ms`,
        );
      }, THREAD_START_TIMEOUT_MS);
      const fail = (why: string) => {
        if (!loading) return;
        loading = false;
        clearTimeout(timer);
        this.ended = why;
        void this.worker.terminate();
        reject(new Error(why));
      };
      this.worker.on('message', (m: FromWorker) => {
        if (loading) {
          if (m.kind === 'importing') {
            clearTimeout(timer);
            timer = setTimeout(() => {
              fail(
                `loading plugin '${this.options.plugin}' timed out after ${this.options.loadTimeoutMs} ms`,
              );
            }, this.options.loadTimeoutMs);
          } else if (m.kind === 'loaded') {
            loading = false;
            clearTimeout(timer);
            this.descriptor = m.descriptor;
            resolve({ worker: this, descriptor: m.descriptor });
          } else if (m.kind === 'load-failed') fail(m.message);
          return;
        }
        this.onMessage(m);
      });
      this.worker.on('error', (e) => {
        lastError = e;
      });
      this.worker.on('exit', (code) => {
        const why =
          lastError !== undefined
            ? messageOf(lastError)
            : `its worker thread exited (code ${code})`;
        if (loading) fail(`plugin '${this.options.plugin}' failed to load: ${why}`);
        else this.end(why, true);
      });
    });
  }

  get alive(): boolean {
    return this.ended === undefined;
  }

  get plugin(): PluginDescriptor {
    return this.descriptor;
  }

  private onMessage(m: FromWorker): void {
    switch (m.kind) {
      case 'importing':
      case 'loaded':
      case 'load-failed':
        return;
      case 'result':
      case 'error': {
        const p = this.pending.get(m.id);
        if (!p || p.timedOut) return;
        this.settle(m.id);
        if (m.kind === 'result') p.resolve(m.value);
        else p.reject(new Error(m.message));
        return;
      }
      case 'aborted': {
        const p = this.pending.get(m.id);
        if (!p?.timedOut) return;
        this.settle(m.id);
        p.reject(new PluginTimeoutError(p.what, p.timeoutMs));
        return;
      }
      case 'log':
        this.events.log(m.level, m.message, m.fields);
        return;
      case 'reading':
        this.events.reading(m.connection, m.reading);
        return;
      case 'connection-status':
        this.events.status(m.connection, m.state, m.detail);
        return;
    }
  }

  private settle(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    for (const c of p.cleanups) c();
  }

  /**
   * Calls into the plugin. Rejects with PluginTimeoutError after `timeoutMs` (once the worker
   * acknowledged the abort, or was terminated for not doing so), PluginStoppedError when `signal`
   * fires, an Error with the plugin's message when it threw or rejected, or when the worker ended.
   */
  call<M extends PluginMethod>(
    method: M,
    args: PluginCalls[M]['args'],
    what: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<PluginCalls[M]['result']> {
    if (this.ended !== undefined)
      return Promise.reject(
        new Error(`plugin '${this.options.plugin}' worker is not running (${this.ended})`),
      );
    const id = ++this.seq;
    return new Promise<PluginCalls[M]['result']>((resolve, reject) => {
      const p: Pending = {
        what,
        timeoutMs,
        timedOut: false,
        resolve: resolve as (v: unknown) => void,
        reject,
        cleanups: [],
      };
      this.pending.set(id, p);
      const later = (ms: number, fn: () => void) => {
        const t = setTimeout(fn, ms);
        p.cleanups.push(() => clearTimeout(t));
      };
      later(timeoutMs, () => {
        p.timedOut = true;
        const reason = `${what} timed out after ${timeoutMs} ms`;
        this.post({ kind: 'abort', id, reason });
        later(this.options.abortGraceMs, () => {
          this.settle(id);
          reject(new PluginTimeoutError(what, timeoutMs));
          this.end(
            `${reason} and did not answer the abort within ${this.options.abortGraceMs} ms ` +
              '(stuck in synchronous code?): its worker was terminated',
            false,
          );
        });
      });
      if (signal) {
        const onAbort = () => {
          if (!this.pending.has(id)) return;
          this.settle(id);
          this.post({ kind: 'abort', id, reason: `${what} was cancelled: the plugin stopped` });
          reject(new PluginStoppedError(`${what} was cancelled: the plugin stopped`));
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        p.cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
      this.post({ kind: 'call', id, method, args, clock: this.options.clock() });
    });
  }

  private post(m: ToWorker): void {
    if (this.ended !== undefined) return;
    try {
      this.worker.postMessage(m);
    } catch (e) {
      // Arguments that cannot be cloned: the call fails like any plugin failure.
      if (m.kind === 'call') {
        const p = this.pending.get(m.id);
        this.settle(m.id);
        p?.reject(new Error(`cannot send the call to the plugin: ${messageOf(e)}`));
      }
    }
  }

  /**
   * A rule operator, synchronously: the runtime's thread waits (Atomics.wait) at most `timeoutMs`
   * for the worker's answer. While an earlier evaluation is still unanswered the next one fails at
   * once instead of waiting again; one that stays unanswered for the grace period too means the
   * thread is stuck, and it is terminated like a stuck call's.
   */
  evaluateOperator(name: string, factValue: unknown, compareValue: unknown, timeoutMs: number) {
    if (this.ended !== undefined)
      throw new Error(`plugin '${this.options.plugin}' worker is not running (${this.ended})`);
    if (this.operatorLate !== undefined) {
      if (Atomics.load(this.flag, 0) === 0)
        throw new Error(`rule operator '${name}' is still busy with an earlier evaluation`);
      this.operatorLate = undefined;
    }
    const id = ++this.seq;
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage({
      kind: 'evaluate-operator',
      id,
      name,
      factValue,
      compareValue,
      flag: this.flag,
    } satisfies ToWorker);
    if (Atomics.wait(this.flag, 0, 0, timeoutMs) === 'timed-out') {
      this.operatorLate = id;
      const reason = `rule operator '${name}' did not answer within ${timeoutMs} ms`;
      // Still no answer after the grace period: the thread is stuck; replace it.
      setTimeout(() => {
        if (this.operatorLate === id && Atomics.load(this.flag, 0) === 0)
          this.end(
            `${reason} nor within ${this.options.abortGraceMs} ms more (stuck in synchronous ` +
              'code?): its worker was terminated',
            false,
          );
      }, this.options.abortGraceMs);
      throw new Error(reason);
    }
    for (;;) {
      const got = receiveMessageOnPort(this.operatorPort);
      if (!got) throw new Error(`rule operator '${name}' answered nothing`);
      const a = got.message as OperatorAnswer;
      if (a.id !== id) continue; // a late answer to an earlier evaluation
      if ('error' in a) throw new Error(a.error);
      return a.value;
    }
  }

  /** Ends the worker: pending calls fail; `lost` is told unless the runtime asked for it. */
  private end(why: string, fromExit: boolean): void {
    if (this.ended !== undefined) return;
    this.ended = why;
    for (const [id, p] of [...this.pending]) {
      this.settle(id);
      p.reject(
        p.timedOut
          ? new PluginTimeoutError(p.what, p.timeoutMs)
          : new Error(`plugin '${this.options.plugin}' worker stopped: ${why}`),
      );
    }
    this.operatorPort.close();
    if (!fromExit) void this.worker.terminate();
    this.events.lost(why);
  }

  /** Ends the worker on the runtime's request (shutdown, refused plugin): `lost` is not told. */
  async terminate(why = 'terminated by the runtime'): Promise<void> {
    if (this.ended === undefined) {
      this.ended = why;
      for (const [id, p] of [...this.pending]) {
        this.settle(id);
        p.reject(new Error(`plugin '${this.options.plugin}' worker stopped: ${why}`));
      }
      this.operatorPort.close();
    }
    await this.worker.terminate();
  }
}
