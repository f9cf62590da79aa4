/**
 * One plugin's worker thread, seen from the runtime: the client side of the message protocol. It
 * calls into the plugin with time limits, evaluates its rule operators (rule-operator-channel) and
 * ends it. Starting the thread (plugin-worker-thread) and the load handshake (plugin-worker-load)
 * live in modules of their own; this class keeps what a running worker needs.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { messageOf, PluginStoppedError, PluginTimeoutError } from './bounded-call.js';
import { PendingCalls, type PendingCall } from './pending-calls.js';
import { awaitPluginLoaded } from './plugin-worker-load.js';
import type { PluginWorkerEvents, PluginWorkerOptions } from './plugin-worker-options.js';
import type {
  FromWorker,
  PluginCalls,
  PluginDescriptor,
  PluginMethod,
  ToWorker,
} from './plugin-worker-protocol.js';
import { startWorkerThread } from './plugin-worker-thread.js';
import { RuleOperatorChannel } from './rule-operator-channel.js';

/**
 * A call that times out has its signal aborted in the worker; a worker that does not even
 * acknowledge the abort within the grace period is stuck (a synchronous loop) and is terminated —
 * the plugin host starts a new one. Nothing here throws into the runtime from a worker's event: a
 * crash is reported by `lost`.
 */
export class PluginWorker {
  private seq = 0;
  private readonly pending = new PendingCalls();
  /** Why the worker ended (set once). */
  private ended: string | undefined;
  private readonly operators: RuleOperatorChannel;

  private constructor(
    private readonly options: PluginWorkerOptions,
    private readonly events: PluginWorkerEvents,
    private readonly worker: Worker,
    operatorPort: MessagePort,
  ) {
    this.operators = new RuleOperatorChannel(worker, operatorPort, options.abortGraceMs, (why) =>
      this.end(why, false),
    );
  }

  /** Starts a worker and loads the plugin; rejects (worker ended) with the reason it cannot. */
  static async spawn(
    options: PluginWorkerOptions,
    events: PluginWorkerEvents,
  ): Promise<{ worker: PluginWorker; descriptor: PluginDescriptor }> {
    const { thread, operatorPort } = startWorkerThread(options);
    const worker = new PluginWorker(options, events, thread, operatorPort);
    try {
      const descriptor = await awaitPluginLoaded(thread, options.plugin, options.loadTimeoutMs, {
        message: (m) => worker.onMessage(m),
        exit: (why) => worker.end(why, true),
      });
      return { worker, descriptor };
    } catch (e) {
      worker.ended = messageOf(e);
      throw e;
    }
  }

  get alive(): boolean {
    return this.ended === undefined;
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
        this.pending.settle(m.id);
        if (m.kind === 'result') p.resolve(m.value);
        else p.reject(new Error(m.message));
        return;
      }
      case 'aborted': {
        const p = this.pending.get(m.id);
        if (!p?.timedOut) return;
        this.pending.settle(m.id);
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
    if (this.ended !== undefined) return Promise.reject(this.notRunning());
    const id = ++this.seq;
    return new Promise<PluginCalls[M]['result']>((resolve, reject) => {
      const p: PendingCall = {
        what,
        timeoutMs,
        timedOut: false,
        resolve: resolve as (v: unknown) => void,
        reject,
        cleanups: [],
      };
      this.pending.add(id, p);
      const later = (ms: number, fn: () => void) => {
        const t = setTimeout(fn, ms);
        p.cleanups.push(() => clearTimeout(t));
      };
      later(timeoutMs, () => {
        p.timedOut = true;
        const reason = `${what} timed out after ${timeoutMs} ms`;
        this.post({ kind: 'abort', id, reason });
        later(this.options.abortGraceMs, () => {
          this.pending.settle(id);
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
          this.pending.settle(id);
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
      if (m.kind === 'call')
        this.pending
          .settle(m.id)
          ?.reject(new Error(`cannot send the call to the plugin: ${messageOf(e)}`));
    }
  }

  /**
   * A rule operator, synchronously: the runtime's thread waits at most `timeoutMs` for the
   * worker's answer (see RuleOperatorChannel); a thread stuck past the grace period is terminated
   * like a stuck call's.
   */
  evaluateOperator(name: string, factValue: unknown, compareValue: unknown, timeoutMs: number) {
    if (this.ended !== undefined) throw this.notRunning();
    return this.operators.evaluate(++this.seq, name, factValue, compareValue, timeoutMs);
  }

  private notRunning(): Error {
    return new Error(`plugin '${this.options.plugin}' worker is not running (${this.ended})`);
  }

  /** Marks the worker ended and fails its pending calls (a timed-out one as a timeout). */
  private close(why: string, timeoutsAsSuch: boolean): void {
    this.ended = why;
    for (const p of this.pending.settleAll())
      p.reject(
        timeoutsAsSuch && p.timedOut
          ? new PluginTimeoutError(p.what, p.timeoutMs)
          : new Error(`plugin '${this.options.plugin}' worker stopped: ${why}`),
      );
    this.operators.close();
  }

  /** Ends the worker unasked (crash, stuck): pending calls fail and `lost` is told. */
  private end(why: string, fromExit: boolean): void {
    if (this.ended !== undefined) return;
    this.close(why, true);
    if (!fromExit) void this.worker.terminate();
    this.events.lost(why);
  }

  /** Ends the worker on the runtime's request (shutdown, refused plugin): `lost` is not told. */
  async terminate(why = 'terminated by the runtime'): Promise<void> {
    if (this.ended === undefined) this.close(why, false);
    await this.worker.terminate();
  }
}
