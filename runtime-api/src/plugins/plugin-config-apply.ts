/**
 * Applies an operator's change to a plugin: a new configuration (checked, stored with its secrets
 * sealed by the store, then the plugin restarted with it) or turning it on or off. Each change
 * runs under the plugin's lock, so it never interleaves with a start, a stop or a restart.
 */
import { ConflictException } from '@nestjs/common';
import type { Logger } from 'pino';
import type { HostedPlugin } from './hosted-plugin.js';
import { configToStore, type ConfigInput } from './plugin-config-input.js';
import type { PluginConfigStore, StoredPluginConfig } from './plugin-config-store.js';
import type { PluginLifecycleRunner } from './plugin-lifecycle-runner.js';
import type { LoadedPlugin } from './plugin-loader.js';

/** Throws 409 PLUGIN_FAILED: a plugin that never loaded has nothing to configure or start. */
function loadedOrConflict(p: HostedPlugin): LoadedPlugin {
  if (!p.loaded)
    throw new ConflictException({
      statusCode: 409,
      code: 'PLUGIN_FAILED',
      message: `plugin '${p.name}' could not be loaded (${p.lastError}); fix that first`,
    });
  return p.loaded;
}

export class PluginConfigApplier {
  constructor(
    private readonly logger: Logger,
    private readonly store: PluginConfigStore,
    private readonly lifecycle: PluginLifecycleRunner,
  ) {}

  /**
   * Validates and stores a configuration, then restarts the plugin with it (if enabled). Throws
   * PluginConfigInvalid (nothing stored) when the result does not fit the schema.
   */
  async configure(p: HostedPlugin, input: ConfigInput, actor: string): Promise<HostedPlugin> {
    const loaded = loadedOrConflict(p);
    const secretFields = new Set(p.pkg?.manifest.secrets ?? []);
    return p.lock.run(async () => {
      let stored: StoredPluginConfig | undefined;
      try {
        stored = await this.store.get(p.name);
      } catch {
        // Secrets that no longer open must be given again; the schema check says which.
        stored = undefined;
      }
      const { values, secrets } = configToStore(input, stored, secretFields, loaded.configCheck);
      const enabled = stored?.enabled ?? true;
      await this.store.save(p.name, values, secrets, enabled, actor);
      // Names only: values (and above all secrets) never go to the log.
      this.logger.info(
        { plugin: p.name, actor, fields: Object.keys(values), secretsSet: Object.keys(secrets) },
        'plugin configured',
      );
      if (p.lifecycle === 'running') await this.lifecycle.stop(p, 'stopped');
      if (enabled) await this.lifecycle.start(p);
      return p;
    });
  }

  /**
   * Another replica changed the plugin's stored configuration or flag: restarts it here with what
   * is stored now (or leaves it stopped when disabled).
   */
  async reload(p: HostedPlugin): Promise<void> {
    if (!p.loaded) return;
    await p.lock.run(async () => {
      this.logger.info({ plugin: p.name }, 'plugin configuration changed on another replica');
      if (p.lifecycle === 'running') await this.lifecycle.stop(p, 'stopped');
      await this.lifecycle.start(p);
    });
  }

  /** Stores the flag, then stops a disabled plugin or starts an enabled one. */
  async setEnabled(p: HostedPlugin, enabled: boolean, actor: string): Promise<HostedPlugin> {
    loadedOrConflict(p);
    return p.lock.run(async () => {
      await this.store.setEnabled(p.name, enabled, actor);
      this.logger.info(
        { plugin: p.name, actor, enabled },
        enabled ? 'plugin enabled' : 'plugin disabled',
      );
      if (p.lifecycle === 'running') await this.lifecycle.stop(p, enabled ? 'stopped' : 'disabled');
      if (enabled) await this.lifecycle.start(p);
      else p.lifecycle = 'disabled';
      return p;
    });
  }
}
