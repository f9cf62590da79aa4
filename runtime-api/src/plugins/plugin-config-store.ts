import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Clock } from '../common/clock.js';
import type { RuntimeConfig } from '../config.js';
import { PluginConfigEntity, type PluginConfigRow } from '../persistence/plugin-entities.js';
import { CLOCK, CONFIG, DATA_SOURCE } from '../tokens.js';
import { messageOf } from './bounded-call.js';
import { SecretBox, secretsKeyOf } from './secret-box.js';

/** A plugin's stored configuration, secrets opened. Never leaves the process as it is. */
export interface StoredPluginConfig {
  /** Non-secret fields. */
  values: Record<string, unknown>;
  /** Secret fields, decrypted. */
  secrets: Record<string, unknown>;
  enabled: boolean;
  updatedAt: number;
  updatedBy: string;
}

/** A stored secret that no longer opens (the secrets key changed, or the row was tampered with). */
export class UnreadableSecretError extends Error {}

/** Binds a sealed value to its plugin and field (AES-GCM additional data). */
const contextOf = (plugin: string, field: string) => `plugin-config\u0000${plugin}\u0000${field}`;

/** The `plugin_config` table: configuration with secret fields sealed, and the enabled flag. */
@Injectable()
export class PluginConfigStore {
  private box: SecretBox | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Created on first use, so a runtime without plugins never writes a key file. */
  private secretBox(): SecretBox {
    this.box ??= new SecretBox(secretsKeyOf(this.config));
    return this.box;
  }

  async get(plugin: string): Promise<StoredPluginConfig | undefined> {
    const row = await this.ds.getRepository(PluginConfigEntity).findOneBy({ pluginName: plugin });
    if (!row) return undefined;
    const sealed = JSON.parse(row.secrets) as Record<string, string>;
    const secrets: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(sealed)) {
      try {
        secrets[field] = JSON.parse(this.secretBox().open(value, contextOf(plugin, field)));
      } catch (e) {
        throw new UnreadableSecretError(
          `the stored secret '${field}' cannot be decrypted (${messageOf(e)}): was the secrets key ` +
            `(SAFEFLOW_SECRETS_KEY or <data dir>/secrets-key) changed? Set the secret again.`,
        );
      }
    }
    return {
      values: JSON.parse(row.config) as Record<string, unknown>,
      secrets,
      enabled: row.enabled !== 0,
      updatedAt: row.updatedAt,
      updatedBy: row.updatedBy,
    };
  }

  /** Replaces the configuration; each secret value is sealed with its own random IV. */
  async save(
    plugin: string,
    values: Record<string, unknown>,
    secrets: Record<string, unknown>,
    enabled: boolean,
    actor: string,
  ): Promise<void> {
    const sealed: Record<string, string> = {};
    for (const [field, value] of Object.entries(secrets))
      sealed[field] = this.secretBox().seal(JSON.stringify(value), contextOf(plugin, field));
    const row: PluginConfigRow = {
      pluginName: plugin,
      config: JSON.stringify(values),
      secrets: JSON.stringify(sealed),
      enabled: enabled ? 1 : 0,
      updatedAt: this.clock.now(),
      updatedBy: actor,
    };
    await this.ds.getRepository(PluginConfigEntity).upsert(row, ['pluginName']);
  }

  /** Turns a plugin on or off, keeping its configuration (an empty one if it had none). */
  async setEnabled(plugin: string, enabled: boolean, actor: string): Promise<void> {
    const repo = this.ds.getRepository(PluginConfigEntity);
    const row = await repo.findOneBy({ pluginName: plugin });
    if (row) {
      await repo.update(
        { pluginName: plugin },
        { enabled: enabled ? 1 : 0, updatedAt: this.clock.now(), updatedBy: actor },
      );
      return;
    }
    await this.save(plugin, {}, {}, enabled, actor);
  }
}
