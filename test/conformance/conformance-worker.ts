/** Worker-thread entry: runs tasks posted by the WorkerPool, one at a time. */
import { parentPort } from 'node:worker_threads';

import { executeTask, type TaskRequest, type TaskResponse } from './conformance-tasks.js';
import { describeError } from './engine-access.js';

const port = parentPort;
if (!port) throw new Error('conformance-worker.ts must run in a worker thread');

port.on('message', (message: TaskRequest & { id: number }) => {
  void executeTask(message).then(
    (value) => port.postMessage({ id: message.id, ok: true, value } satisfies TaskResponse),
    (error: unknown) =>
      port.postMessage({
        id: message.id,
        ok: false,
        failure: describeError(error),
      } satisfies TaskResponse),
  );
});
