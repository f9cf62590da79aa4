/**
 * Asks a running plugin how it is and combines its answer with its connections: a throw, a hang
 * or a malformed answer reads as `down`, connections that are not connected make an `up` plugin
 * `degraded`. Asked on every read of the plugin, so the API never shows a stale green.
 */
import type { PluginHealth } from '@safeflow/plugin-sdk';
import type { Clock } from '../common/clock.js';
import { messageOf } from './bounded-call.js';
import type { ConnectionState } from './connectors.service.js';
import type { HostedPlugin } from './hosted-plugin.js';
import { callHook } from './plugin-hook-calls.js';

/** What a health check found: the plugin's own answer, degraded by connections that are not up. */
export interface HealthReport {
  status: PluginHealth['status'];
  detail?: string;
  checkedAt: number;
  connections: ConnectionState[];
}

/** The plugin's `health()` under the hook time limit; no hook is `up`. */
async function ownHealth(p: HostedPlugin, hookTimeoutMs: number): Promise<PluginHealth> {
  try {
    const answer: PluginHealth | undefined = await callHook(p, 'health', {}, hookTimeoutMs);
    return answer === undefined
      ? { status: 'up' }
      : ['up', 'degraded', 'down'].includes(answer?.status)
        ? answer
        : { status: 'down', detail: 'health() answered no status (up, degraded or down)' };
  } catch (e) {
    return { status: 'down', detail: messageOf(e) };
  }
}

/** Null when the plugin is not running (its lifecycle says enough). */
export async function checkHealth(
  p: HostedPlugin,
  connectionStates: (plugin: string) => ConnectionState[],
  hookTimeoutMs: number,
  clock: Clock,
): Promise<HealthReport | null> {
  if (p.lifecycle !== 'running' || !p.run) return null;
  const connections = connectionStates(p.name);
  const own = await ownHealth(p, hookTimeoutMs);
  const notUp = connections.filter((c) => c.state !== 'connected');
  let status = own.status;
  const details = own.detail === undefined ? [] : [String(own.detail)];
  if (notUp.length > 0) {
    if (status === 'up') status = 'degraded';
    details.push(...notUp.map((c) => `connection '${c.name}' ${c.state}`));
  }
  return {
    status,
    ...(details.length > 0 ? { detail: p.redactor.text(details.join('; ')) } : {}),
    checkedAt: clock.now(),
    connections,
  };
}
