/**
 * Worker-thread entry of the API bench: builds the runtime with `createApp` and listens on a free
 * port, then waits for the word to close. Runs under tsx (registered by runtime-thread.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createApp, type RuntimeConfig } from '@safeflow/runtime-api';

const port = parentPort;
if (!port) throw new Error('runtime-thread-main.ts runs as a worker thread');
const runtime = await createApp(workerData as RuntimeConfig);
const base = await runtime.listen(0);
port.once('message', () => {
  void runtime.close().then(() => port.postMessage({ type: 'closed' }));
});
port.postMessage({ type: 'listening', base });
