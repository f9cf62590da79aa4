/**
 * The runtime under test, in this process but on its own thread: `createApp` (the same function
 * `npm start` and the tests use) runs in a worker thread, so the server has an event loop of its own
 * and the load generator's work on the main thread does not sit in the server's queue, as it would
 * if both shared one loop.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RuntimeConfig } from '@safeflow/runtime-api';

const ENTRY = new URL('./runtime-thread-main.ts', import.meta.url).href;
/** Nest needs legacy decorators: the runtime's own tsconfig says so (as `npm start` passes it). */
const RUNTIME_TSCONFIG = fileURLToPath(
  new URL('../../../runtime-api/tsconfig.json', import.meta.url),
);
/** Worker threads do not inherit `--import tsx`: the thread registers tsx, then loads the entry. */
const BOOTSTRAP = `import('tsx/esm/api').then(({ register }) => {
  register({ tsconfig: ${JSON.stringify(RUNTIME_TSCONFIG)} });
  return import(${JSON.stringify(ENTRY)});
});`;

export interface RuntimeThread {
  base: string;
  close(): Promise<void>;
}

type Message = { type: 'listening'; base: string } | { type: 'closed' };

/** Plain config fields only: the config crosses to the thread by structured clone (no clock). */
export type ThreadConfig = Omit<RuntimeConfig, 'clock'>;

export function startRuntimeThread(config: ThreadConfig): Promise<RuntimeThread> {
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData: config });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`runtime thread exited (code ${code})`)));
  });
  const next = (type: Message['type']) =>
    Promise.race([
      failed,
      new Promise<Message>((resolve) => {
        const on = (m: Message) => {
          if (m.type !== type) return;
          worker.off('message', on);
          resolve(m);
        };
        worker.on('message', on);
      }),
    ]);
  return next('listening').then((m) => ({
    base: m.type === 'listening' ? m.base : '',
    async close() {
      worker.postMessage('close');
      await next('closed');
      await worker.terminate();
    },
  }));
}
