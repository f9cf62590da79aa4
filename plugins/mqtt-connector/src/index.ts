import { definePlugin, type PluginDefinition, type PluginHealth } from '@safeflow/plugin-sdk';
import { defaultClientId } from './client-id.js';
import { resolveSettings, type MqttConnectionSettings } from './connection-settings.js';
import { MqttConnection, type ConnectionSummary } from './mqtt-connection.js';

export type {
  MqttConnectionSettings,
  MqttTlsSettings,
  ResolvedSettings,
} from './connection-settings.js';
export type { TopicMappingSettings } from './topic-mapping.js';
export type { ConnectionSummary, ConnectionState } from './mqtt-connection.js';
export { resolveSettings } from './connection-settings.js';
export { defaultClientId } from './client-id.js';
export { deviceQuality } from './device-quality.js';
export { deviceTimestamp } from './device-timestamp.js';
export { reconnectDelayMs } from './reconnect-backoff.js';
export { parseTopicFilter, matchTopic, filterCovers, subscriptionFilters } from './topic-filter.js';
export { compileMapping } from './topic-mapping.js';
export { MessagePayload, readingFromMessage, BAD_VALUE_MAX_CHARS } from './message-reading.js';

/** The connector's name in `contributes.connectors` and in `connections[].connector`. */
export const MQTT_CONNECTOR = 'mqtt';

/** The plugin's configuration (JSON Schema: `configSchema` in package.json). */
export interface MqttConnectorConfig {
  /** One entry per broker connection; the runtime starts each with its `settings`. */
  connections?: Array<{ name: string; connector?: string; settings: MqttConnectionSettings }>;
  /** Secret: broker passwords by key; a connection names its key in `settings.passwordRef`. */
  brokerPasswords?: Record<string, string>;
}

export interface MqttConnectorPlugin extends PluginDefinition<MqttConnectorConfig> {
  /** What every running connection has done (for tests and diagnostics). */
  connectionSummaries(): ConnectionSummary[];
}

/** How the plugin is as a whole: down when no broker is connected, degraded when one is not. */
function healthOf(summaries: ConnectionSummary[]): PluginHealth {
  if (summaries.length === 0) return { status: 'up', detail: 'no MQTT connections running' };
  const connected = summaries.filter((s) => s.state === 'connected').length;
  const readings = { good: 0, uncertain: 0, bad: 0 };
  const problems: string[] = [];
  for (const s of summaries) {
    for (const q of ['good', 'uncertain', 'bad'] as const) readings[q] += s.readings[q];
    const who = `${s.url} (${s.clientId})`;
    if (s.state !== 'connected') problems.push(`${who} ${s.state}: ${s.detail}`);
    if (s.refusedFilters.length > 0)
      problems.push(`${who}: the broker refused ${s.refusedFilters.join(', ')}`);
  }
  const totals =
    `${connected} of ${summaries.length} connection(s) connected; readings ` +
    `${readings.good} good, ${readings.uncertain} uncertain, ${readings.bad} bad`;
  return {
    status: connected === 0 ? 'down' : problems.length > 0 ? 'degraded' : 'up',
    detail: [totals, ...problems].join('; '),
  };
}

/**
 * A fresh plugin definition with its own set of running connections (the default export is one;
 * tests make their own so their health does not mix).
 */
export function createMqttConnectorPlugin(): MqttConnectorPlugin {
  const running = new Set<MqttConnection>();
  const plugin = definePlugin<MqttConnectorConfig>({
    name: '@safeflow/plugin-mqtt-connector',
    health: () => healthOf([...running].map((c) => c.summary())),
    // The runtime stops each connection before the plugin; this catches one whose stop timed out.
    async stop() {
      await Promise.all([...running].map((c) => c.stop()));
    },
    connectors: {
      [MQTT_CONNECTOR]: {
        description:
          'Subscribes to MQTT topics (QoS 1, persistent session) and maps JSON or raw payloads to tag readings',
        start(settings, sink, ctx) {
          if (ctx.signal.aborted) throw new Error('the plugin is stopping');
          const resolved = resolveSettings(settings, ctx.config.brokerPasswords);
          const clientId =
            resolved.clientId ??
            defaultClientId({
              url: resolved.url,
              ...(resolved.username !== undefined ? { username: resolved.username } : {}),
              mappings: settings.mappings,
            });
          for (const other of running) {
            if (other.clientId === clientId && other.summary().url === resolved.url)
              throw new Error(
                `clientId '${clientId}' is already used by another connection to ${resolved.url}; ` +
                  'give each connection its own settings.clientId',
              );
          }
          const connection = new MqttConnection(resolved, clientId, sink, ctx, (c) =>
            running.delete(c),
          );
          running.add(connection);
          return connection;
        },
      },
    },
  });
  return Object.assign(plugin, {
    connectionSummaries: () => [...running].map((c) => c.summary()),
  });
}

/** The `mqtt` connector: topic → tag mapping, JSON payloads, QoS 1, reconnect with back-off. */
export default createMqttConnectorPlugin();
