import { EntitySchema } from 'typeorm';
import { asNumber } from './as-number.js';

/**
 * A plugin's configuration as an operator set it over the API. Secret fields (those the plugin's
 * manifest lists) are not in `config`: each is in `secrets`, sealed with AES-256-GCM under the
 * runtime's secrets key, so a database dump or backup does not give away broker passwords or tokens.
 */
export interface PluginConfigRow {
  /** The plugin's package name. */
  pluginName: string;
  /** JSON object: the non-secret fields. */
  config: string;
  /** JSON object: secret field → sealed value (`v1:<iv>:<tag>:<ciphertext>`). */
  secrets: string;
  /** 1: the plugin runs; 0: an operator disabled it. */
  enabled: number;
  updatedAt: number;
  updatedBy: string;
}

export const PluginConfigEntity = new EntitySchema<PluginConfigRow>({
  name: 'PluginConfig',
  tableName: 'plugin_config',
  columns: {
    pluginName: { name: 'plugin_name', type: 'varchar', length: 214, primary: true },
    config: { type: 'text' },
    secrets: { type: 'text' },
    enabled: { type: 'integer' },
    updatedAt: { name: 'updated_at', type: 'bigint', transformer: asNumber },
    updatedBy: { name: 'updated_by', type: 'varchar', length: 128 },
  },
});
