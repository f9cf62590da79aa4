import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity: API keys (hash only), groups and sites with their members, the shared failed-login
 * counters, and two columns on `app_user`: `disabled_at` (null: may sign in) and `token_version`
 * (bumped by every change to the account, so tokens issued before it stop working).
 * One statement list for sqlite and PostgreSQL.
 */
export class IdentityTables1763940000000 implements MigrationInterface {
  name = 'IdentityTables1763940000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE app_user ADD COLUMN disabled_at bigint`,
      `ALTER TABLE app_user ADD COLUMN token_version integer NOT NULL DEFAULT 0`,
      `CREATE TABLE api_key (
        id varchar(64) PRIMARY KEY,
        name varchar(128) NOT NULL UNIQUE,
        key_hash varchar(64) NOT NULL,
        roles text NOT NULL,
        created_by varchar(128) NOT NULL,
        created_at bigint NOT NULL,
        last_used_at bigint,
        revoked_at bigint)`,
      `CREATE TABLE app_group (
        name varchar(128) PRIMARY KEY,
        description varchar(512),
        created_at bigint NOT NULL)`,
      `CREATE TABLE site (
        name varchar(128) PRIMARY KEY,
        description varchar(512),
        created_at bigint NOT NULL)`,
      `CREATE TABLE user_group_member (
        user_id varchar(64) NOT NULL REFERENCES app_user(id),
        group_name varchar(128) NOT NULL REFERENCES app_group(name),
        PRIMARY KEY (user_id, group_name))`,
      `CREATE INDEX user_group_member_group_idx ON user_group_member (group_name)`,
      `CREATE TABLE user_site_member (
        user_id varchar(64) NOT NULL REFERENCES app_user(id),
        site_name varchar(128) NOT NULL REFERENCES site(name),
        PRIMARY KEY (user_id, site_name))`,
      `CREATE INDEX user_site_member_site_idx ON user_site_member (site_name)`,
      `CREATE TABLE login_failure (
        subject varchar(200) PRIMARY KEY,
        window_start bigint NOT NULL,
        failures integer NOT NULL)`,
      `CREATE INDEX login_failure_window_idx ON login_failure (window_start)`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'login_failure',
      'user_site_member',
      'user_group_member',
      'site',
      'app_group',
      'api_key',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`ALTER TABLE app_user DROP COLUMN token_version`);
    await q.query(`ALTER TABLE app_user DROP COLUMN disabled_at`);
  }
}
