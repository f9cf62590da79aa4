import { announcedContributions } from './plugin-loader.js';
import type { HostedPlugin } from './hosted-plugin.js';
import type { HealthReport } from './plugin-health.js';
import type { ConnectionState } from './connectors.service.js';

/** Red/amber/green as operators read it, plus why a plugin never ran or was turned off. */
export type PluginStatus = 'up' | 'degraded' | 'down' | 'failed' | 'disabled';

export interface PluginContributionsDto {
  taskTypes: string[];
  factProviders: string[];
  connectors: string[];
  notifiers: string[];
  ruleOperators: string[];
  /** Ids of its element templates (served by GET /api/element-templates). */
  elementTemplates: string[];
}

export interface PluginDto {
  name: string;
  version: string | null;
  displayName: string;
  description: string | null;
  /** `package`: named in SAFEFLOW_PLUGINS; `folder`: found in the plugins folder. */
  source: 'package' | 'folder';
  /** The SDK range the plugin declares. */
  sdk: string | null;
  status: PluginStatus;
  health: {
    status: 'up' | 'degraded' | 'down';
    detail?: string;
    checkedAt: string;
    connections: ConnectionState[];
  } | null;
  lastError: string | null;
  /** Its worker thread: how often it was lost and replaced, and why the last time (null: never). */
  worker: { restarts: number; lastExit: string | null };
  contributions: PluginContributionsDto;
  /** Configuration fields that are secrets (never returned, only whether they are set). */
  secretFields: string[];
  /** The JSON Schema of its configuration (for a settings form); null when it takes none. */
  configSchema: Record<string, unknown> | null;
}

function statusOf(p: HostedPlugin, health: HealthReport | null): PluginStatus {
  switch (p.lifecycle) {
    case 'failed':
      return 'failed';
    case 'disabled':
      return 'disabled';
    case 'running':
      return health?.status ?? 'up';
    default:
      return 'down';
  }
}

export function toPluginDto(p: HostedPlugin, health: HealthReport | null): PluginDto {
  const d = p.loaded?.definition;
  const m = p.pkg?.manifest;
  const keys = (o: object | undefined) => Object.keys(o ?? {});
  const contributions: PluginContributionsDto = d
    ? {
        taskTypes: [...d.taskTypes],
        factProviders: keys(d.factProviders),
        connectors: keys(d.connectors),
        notifiers: keys(d.notifiers),
        ruleOperators: keys(d.ruleOperators),
        elementTemplates: (p.loaded?.elementTemplates ?? []).map((t) => t.id),
      }
    : { ...announcedContributions(p.pkg), elementTemplates: [] };
  return {
    name: p.name,
    version: p.pkg?.version ?? null,
    displayName: m?.displayName ?? p.name,
    description: m?.description ?? null,
    source: p.source,
    sdk: m?.sdk ?? null,
    status: statusOf(p, health),
    health: health
      ? {
          status: health.status,
          ...(health.detail !== undefined ? { detail: health.detail } : {}),
          checkedAt: new Date(health.checkedAt).toISOString(),
          connections: health.connections,
        }
      : null,
    lastError: p.lifecycle === 'starting' ? 'starting' : p.lastError,
    worker: { restarts: p.restarts, lastExit: p.lastExit },
    contributions,
    secretFields: m?.secrets ?? [],
    configSchema: m?.configSchema ?? null,
  };
}
