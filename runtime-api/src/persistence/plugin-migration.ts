import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Plugin configuration (issue 5): one row per configured plugin, secrets sealed. The same SQL on
 * sqlite and PostgreSQL (`enabled` is an integer, not a boolean, for that reason).
 */
export class PluginConfigTable1763990000000 implements MigrationInterface {
  name = 'PluginConfigTable1763990000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE plugin_config (
        plugin_name varchar(214) PRIMARY KEY,
        config text NOT NULL,
        secrets text NOT NULL,
        enabled integer NOT NULL DEFAULT 1,
        updated_at bigint NOT NULL,
        updated_by varchar(128) NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE plugin_config`);
  }
}
