/**
 * The start of a plugin worker's life: the thread comes up (`importing`, within a generous limit
 * that is the runtime's cost), then imports the plugin under the load time limit (`loaded` with
 * its descriptor, or `load-failed`). Once loaded, messages and the thread's exit are handed on to
 * the running worker; a worker that failed to load is terminated and its exit is not reported.
 */
import type { Worker } from 'node:worker_threads';
import { messageOf } from './bounded-call.js';
import type { FromWorker, PluginDescriptor } from './plugin-worker-protocol.js';

/**
 * Starting a thread (and tsx in it) is the runtime's cost, not the plugin's: it has a limit of its
 * own, generous for a loaded machine; the plugin's import then gets the load time limit.
 */
const THREAD_START_TIMEOUT_MS = 30_000;

/** Where the thread's messages and exit go once the plugin is loaded. */
export interface LoadedWorkerHandlers {
  message(m: FromWorker): void;
  exit(why: string): void;
}

/** Resolves the plugin's descriptor; rejects (thread terminated) with why it cannot load. */
export function awaitPluginLoaded(
  thread: Worker,
  plugin: string,
  loadTimeoutMs: number,
  then: LoadedWorkerHandlers,
): Promise<PluginDescriptor> {
  return new Promise((resolve, reject) => {
    let lastError: unknown;
    let state: 'loading' | 'loaded' | 'failed' = 'loading';
    let timer = setTimeout(() => {
      fail(
        `plugin '${plugin}' failed to load: its worker thread did not start within ${THREAD_START_TIMEOUT_MS} ms`,
      );
    }, THREAD_START_TIMEOUT_MS);
    const fail = (why: string) => {
      if (state !== 'loading') return;
      state = 'failed';
      clearTimeout(timer);
      void thread.terminate();
      reject(new Error(why));
    };
    thread.on('message', (m: FromWorker) => {
      if (state !== 'loading') return then.message(m);
      if (m.kind === 'importing') {
        clearTimeout(timer);
        timer = setTimeout(() => {
          fail(`loading plugin '${plugin}' timed out after ${loadTimeoutMs} ms`);
        }, loadTimeoutMs);
      } else if (m.kind === 'loaded') {
        state = 'loaded';
        clearTimeout(timer);
        resolve(m.descriptor);
      } else if (m.kind === 'load-failed') fail(m.message);
    });
    thread.on('error', (e) => {
      lastError = e;
    });
    thread.on('exit', (code) => {
      const why =
        lastError !== undefined ? messageOf(lastError) : `its worker thread exited (code ${code})`;
      if (state === 'loading') fail(`plugin '${plugin}' failed to load: ${why}`);
      else if (state === 'loaded') then.exit(why);
    });
  });
}
