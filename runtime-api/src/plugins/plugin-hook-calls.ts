/**
 * The host's calls into a plugin's worker that belong to its lifecycle — the hooks (init, start,
 * stop, health) and its connections' start and stop — each under the hook time limit. Kept apart
 * from the contribution calls (jobs, facts, notifications), which have the call limit and their
 * own error kinds.
 */
import { messageOf, PluginTimeoutError } from './bounded-call.js';
import type { RemoteConnections } from './connectors.service.js';
import type { HostedPlugin } from './hosted-plugin.js';
import type { PluginWorker } from './plugin-worker.js';
import type { PluginCalls } from './plugin-worker-protocol.js';

export type PluginHook = 'init' | 'start' | 'stop' | 'health';

/**
 * Runs one lifecycle hook in the plugin's worker. A timeout is rethrown as it is; any other
 * failure (also a worker that is not running) as an Error naming the plugin and the hook.
 */
export async function callHook<M extends PluginHook>(
  p: HostedPlugin,
  name: M,
  args: PluginCalls[M]['args'],
  timeoutMs: number,
): Promise<PluginCalls[M]['result']> {
  const worker = p.worker;
  if (!worker?.alive)
    throw new Error(`plugin '${p.name}' ${name} failed: its worker is not running`);
  try {
    return await worker.call(name, args, `plugin '${p.name}' ${name}`, timeoutMs);
  } catch (e) {
    if (e instanceof PluginTimeoutError) throw e;
    throw new Error(`plugin '${p.name}' ${name} failed: ${messageOf(e)}`);
  }
}

/** The plugin's connections as its worker runs them, each start and stop under `timeoutMs`. */
export function remoteConnections(worker: PluginWorker, timeoutMs: number): RemoteConnections {
  return {
    start: (id, name, connector, settings) =>
      worker.call(
        'start-connection',
        { connection: id, connector, settings },
        `connection '${name}' start`,
        timeoutMs,
      ),
    stop: (id, name) =>
      worker.call('stop-connection', { connection: id }, `connection '${name}' stop`, timeoutMs),
  };
}
