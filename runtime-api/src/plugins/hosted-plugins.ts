/**
 * The table of hosted plugins by name: the one place the host looks a plugin up, so "unknown
 * plugin" is answered the same way (404 PLUGIN_NOT_FOUND) by every route.
 */
import { NotFoundException } from '@nestjs/common';
import { hostedPlugin, type HostedPlugin, type PluginFound } from './hosted-plugin.js';
import type { PluginWorker } from './plugin-worker.js';

export class HostedPlugins {
  private readonly byName = new Map<string, HostedPlugin>();

  add(found: PluginFound, worker?: PluginWorker): void {
    this.byName.set(found.name, hostedPlugin(found, worker));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The plugin, or undefined: for callers that answer a missing plugin themselves. */
  find(name: string): HostedPlugin | undefined {
    return this.byName.get(name);
  }

  /** In loading order (the order contributions were claimed). */
  all(): HostedPlugin[] {
    return [...this.byName.values()];
  }

  /** By name, as the API lists them. */
  sorted(): HostedPlugin[] {
    return this.all().sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Throws 404 PLUGIN_NOT_FOUND naming the plugin. */
  get(name: string): HostedPlugin {
    const p = this.byName.get(name);
    if (!p)
      throw new NotFoundException({
        statusCode: 404,
        code: 'PLUGIN_NOT_FOUND',
        message: `no plugin '${name}'`,
      });
    return p;
  }
}
