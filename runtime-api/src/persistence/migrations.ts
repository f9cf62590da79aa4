import type { MigrationInterface, QueryRunner } from 'typeorm';
import { InstanceListIndexes1763970000000 } from './instances-migration.js';
import { TimerStartTable1763980000000 } from './timer-start-migration.js';
import { PluginConfigTable1763990000000 } from './plugin-migration.js';
import { AuditLedger1763950000000 } from './ledger-migration.js';
import { IdentityTables1763940000000 } from './identity-migration.js';
import { TaskHistory1763960000000 } from './task-migration.js';

/**
 * The schema, one statement list for both dialects (the column types used are common to sqlite and
 * PostgreSQL). `instance_event` is append-only: the service never updates or deletes its rows.
 */
export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE app_user (
        id varchar(64) PRIMARY KEY,
        username varchar(128) NOT NULL UNIQUE,
        password_hash varchar(256) NOT NULL,
        salt varchar(64) NOT NULL,
        roles text NOT NULL,
        created_at bigint NOT NULL)`,
      `CREATE TABLE deployment (
        id varchar(64) PRIMARY KEY,
        name varchar(256) NOT NULL,
        resources text NOT NULL,
        processes text NOT NULL,
        created_by varchar(128) NOT NULL,
        created_at bigint NOT NULL,
        ordinal integer NOT NULL UNIQUE)`,
      `CREATE TABLE process_definition (
        key varchar(256) PRIMARY KEY,
        process_id varchar(256) NOT NULL,
        version integer NOT NULL,
        name varchar(256),
        deployment_id varchar(64) NOT NULL REFERENCES deployment(id),
        created_at bigint NOT NULL)`,
      `CREATE TABLE instance (
        id varchar(64) PRIMARY KEY,
        process_key varchar(256) NOT NULL,
        parent_id varchar(64),
        state varchar(32) NOT NULL,
        business_key varchar(256),
        version integer NOT NULL,
        last_seq integer NOT NULL,
        head_hash varchar(64) NOT NULL,
        snapshot text NOT NULL,
        view text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL)`,
      `CREATE INDEX instance_parent_idx ON instance (parent_id)`,
      `CREATE TABLE instance_event (
        instance_id varchar(64) NOT NULL REFERENCES instance(id),
        seq integer NOT NULL,
        type varchar(64) NOT NULL,
        element_id varchar(256),
        element_key integer,
        scope_key integer,
        actor varchar(128) NOT NULL,
        at bigint NOT NULL,
        payload text NOT NULL,
        hash varchar(64) NOT NULL,
        prev_hash varchar(64) NOT NULL,
        PRIMARY KEY (instance_id, seq))`,
      `CREATE TABLE user_task (
        id varchar(128) PRIMARY KEY,
        instance_id varchar(64) NOT NULL REFERENCES instance(id),
        element_id varchar(256) NOT NULL,
        name varchar(512),
        assignee varchar(256),
        candidate_roles text NOT NULL,
        form_key varchar(512),
        created_at bigint NOT NULL)`,
      `CREATE INDEX user_task_instance_idx ON user_task (instance_id)`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'user_task',
      'instance_event',
      'instance',
      'process_definition',
      'deployment',
      'app_user',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}

/** Jobs waiting for workers (issue 4, step 2). */
export class JobTable1763910000000 implements MigrationInterface {
  name = 'JobTable1763910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE job (
        job_key varchar(128) PRIMARY KEY,
        instance_id varchar(64) NOT NULL REFERENCES instance(id),
        type varchar(256) NOT NULL,
        element_id varchar(256) NOT NULL,
        retries integer NOT NULL,
        attempts integer NOT NULL,
        not_before bigint,
        error_message text,
        lock_owner varchar(128),
        lock_until bigint,
        created_at bigint NOT NULL)`);
    await q.query(`CREATE INDEX job_type_idx ON job (type, created_at)`);
    await q.query(`CREATE INDEX job_instance_idx ON job (instance_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job`);
  }
}

/** Durable timers (issue 4, step 2). */
export class TimerTable1763920000000 implements MigrationInterface {
  name = 'TimerTable1763920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE timer (
        instance_id varchar(64) NOT NULL REFERENCES instance(id),
        timer_id varchar(128) NOT NULL,
        element_id varchar(256) NOT NULL,
        due_at bigint NOT NULL,
        lock_owner varchar(128),
        lock_until bigint,
        PRIMARY KEY (instance_id, timer_id))`);
    await q.query(`CREATE INDEX timer_due_idx ON timer (due_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE timer`);
  }
}

/** Open message and signal subscriptions (issue 4, step 2). */
export class SubscriptionTable1763930000000 implements MigrationInterface {
  name = 'SubscriptionTable1763930000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE subscription (
        instance_id varchar(64) NOT NULL REFERENCES instance(id),
        subscription_id varchar(128) NOT NULL,
        channel varchar(16) NOT NULL,
        name varchar(256) NOT NULL,
        correlation_key varchar(512),
        element_id varchar(256) NOT NULL,
        PRIMARY KEY (instance_id, subscription_id))`);
    await q.query(
      `CREATE INDEX subscription_name_idx ON subscription (channel, name, correlation_key)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE subscription`);
  }
}

export const MIGRATIONS = [
  PluginConfigTable1763990000000,
  AuditLedger1763950000000,
  InstanceListIndexes1763970000000,
  IdentityTables1763940000000,
  TaskHistory1763960000000,
  TimerStartTable1763980000000,
  InitialSchema1763900000000,
  JobTable1763910000000,
  TimerTable1763920000000,
  SubscriptionTable1763930000000,
];
