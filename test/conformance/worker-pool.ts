/**
 * A small pool of worker threads that run conformance tasks with a wall-clock guard. The engine is
 * synchronous: a model that makes it loop forever cannot be interrupted in the same thread, so each
 * task runs in a worker that is terminated (and replaced) when the task overruns or crashes.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import type { TaskRequest, TaskResponse } from './conformance-tasks.js';

export type TaskOutcome<T> =
  { ok: true; value: T; durationMs: number } | { ok: false; failure: string; durationMs: number };

interface Slot {
  worker: Worker | undefined;
  busy: boolean;
}

const workerEntry = new URL('./conformance-worker.ts', import.meta.url).href;

/** URL of tsx's ESM register API (the `import` export of `tsx/esm/api`). */
function resolveTsxEsmApi(): string {
  try {
    if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  } catch {
    // fall through: some runners (vite-node) do not offer import.meta.resolve
  }
  const require = createRequire(import.meta.url);
  const cjs = require.resolve('tsx/esm/api');
  const esm = cjs.replace(/\.cjs$/, '.mjs');
  return pathToFileURL(existsSync(esm) ? esm : cjs).href;
}

/** Boot code for a worker: register tsx's loader, then load the TypeScript worker module. */
function bootCode(): string {
  const tsxApi = resolveTsxEsmApi();
  return (
    `import(${JSON.stringify(tsxApi)})` +
    `.then((api) => { api.register(); return import(${JSON.stringify(workerEntry)}); })` +
    `.catch((error) => { console.error(error); process.exit(70); });`
  );
}

export interface WorkerPoolOptions {
  size: number;
  /** Heap cap per worker, so a runaway model fails its task instead of the process. */
  maxHeapMb?: number;
}

export class WorkerPool {
  private readonly slots: Slot[];
  private readonly waiting: Array<() => void> = [];
  private readonly code = bootCode();
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    this.slots = Array.from({ length: Math.max(1, options.size) }, () => ({
      worker: undefined,
      busy: false,
    }));
  }

  private spawn(): Worker {
    const worker = new Worker(this.code, {
      eval: true,
      execArgv: ['--conditions=source'],
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 768 },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    return worker;
  }

  private async acquire(): Promise<Slot> {
    for (;;) {
      const free = this.slots.find((slot) => !slot.busy);
      if (free) {
        free.busy = true;
        return free;
      }
      await new Promise<void>((resolveWait) => this.waiting.push(resolveWait));
    }
  }

  private release(slot: Slot): void {
    slot.busy = false;
    this.waiting.shift()?.();
  }

  /** Runs one task; never rejects: timeouts, crashes and thrown errors come back as failures. */
  async run<T>(request: TaskRequest, timeoutMs: number): Promise<TaskOutcome<T>> {
    if (this.closed) throw new Error('worker pool is closed');
    const slot = await this.acquire();
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    try {
      slot.worker ??= this.spawn();
      const worker = slot.worker;
      const id = this.nextId++;
      return await new Promise<TaskOutcome<T>>((resolveTask) => {
        let settled = false;
        const finish = (outcome: TaskOutcome<T>, discardWorker: boolean): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          if (discardWorker) {
            slot.worker = undefined;
            void worker.terminate();
          }
          resolveTask(outcome);
        };
        const onMessage = (message: TaskResponse): void => {
          if (message.id !== id) return;
          if (message.ok)
            finish({ ok: true, value: message.value as T, durationMs: elapsed() }, false);
          else finish({ ok: false, failure: message.failure, durationMs: elapsed() }, false);
        };
        const onError = (error: Error): void => {
          finish(
            { ok: false, failure: `worker crashed: ${error.message}`, durationMs: elapsed() },
            true,
          );
        };
        const onExit = (code: number): void => {
          finish(
            { ok: false, failure: `worker exited with code ${code}`, durationMs: elapsed() },
            true,
          );
        };
        const timer = setTimeout(() => {
          finish(
            {
              ok: false,
              failure: `timed out after ${timeoutMs} ms (wall clock)`,
              durationMs: elapsed(),
            },
            true,
          );
        }, timeoutMs);
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        worker.postMessage({ ...request, id });
      });
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = undefined;
        if (worker) await worker.terminate();
      }),
    );
  }
}
