/**
 * Starts the bare worker thread a plugin runs in: the bootstrap that registers tsx when
 * TypeScript must load (worker threads do not inherit `--import tsx`), the filtered environment,
 * the heap limit and the synchronous channel for rule operators. Nothing here knows the message
 * protocol; plugin-worker.ts speaks it once the thread is up.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { workerEnv, workerExecArgv } from './plugin-worker-env.js';
import type { PluginWorkerOptions } from './plugin-worker-options.js';
import type { PluginWorkerData } from './plugin-worker-protocol.js';

/** How the runtime's own code runs: from TypeScript sources (npm start, vitest) or compiled. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const ENTRY = new URL(`./plugin-worker-main${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url).href;
const TYPESCRIPT = /\.(c|m)?tsx?$/;

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

/** A started thread and the runtime's end of its rule-operator channel. */
export interface WorkerThread {
  thread: Worker;
  operatorPort: MessagePort;
}

/** Throws when the plugin's main is TypeScript and tsx is not installed (naming what to do). */
export function startWorkerThread(options: PluginWorkerOptions): WorkerThread {
  const typescript = FROM_SOURCE || TYPESCRIPT.test(options.main);
  const tsx = typescript ? tsxApiUrl() : null;
  if (typescript && !tsx)
    throw new Error(
      `plugin '${options.plugin}' failed to load: its main ${options.main} is TypeScript and tsx ` +
        'is not installed; load its compiled JavaScript instead',
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
    execArgv: workerExecArgv(FROM_SOURCE),
    resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb },
  });
  return { thread, operatorPort: channel.port1 };
}
