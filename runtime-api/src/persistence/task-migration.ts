import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * User tasks become history (state, who closed them), with the fields the task list filters on, plus
 * task comments and attachments. One statement list for sqlite and PostgreSQL: `ADD COLUMN` with a
 * constant default and a correlated `UPDATE` are common to both.
 */
export class TaskHistory1763960000000 implements MigrationInterface {
  name = 'TaskHistory1763960000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE user_task ADD COLUMN process_key varchar(256)`,
      `ALTER TABLE user_task ADD COLUMN candidate_groups text NOT NULL DEFAULT '[]'`,
      `ALTER TABLE user_task ADD COLUMN candidate_users text NOT NULL DEFAULT '[]'`,
      `ALTER TABLE user_task ADD COLUMN form_id varchar(512)`,
      `ALTER TABLE user_task ADD COLUMN due varchar(128)`,
      `ALTER TABLE user_task ADD COLUMN priority integer`,
      // Rows written before this migration are the open tasks (closed ones were deleted).
      `ALTER TABLE user_task ADD COLUMN state varchar(16) NOT NULL DEFAULT 'open'`,
      `ALTER TABLE user_task ADD COLUMN completed_at bigint`,
      `ALTER TABLE user_task ADD COLUMN completed_by varchar(128)`,
      `UPDATE user_task SET process_key =
        (SELECT i.process_key FROM instance i WHERE i.id = user_task.instance_id)`,
      `CREATE INDEX user_task_state_idx ON user_task (state, created_at)`,
      `CREATE INDEX user_task_assignee_idx ON user_task (assignee, state)`,
      `CREATE TABLE task_comment (
        id varchar(64) PRIMARY KEY,
        task_id varchar(128) NOT NULL,
        instance_id varchar(64) NOT NULL REFERENCES instance(id),
        seq integer NOT NULL,
        author varchar(128) NOT NULL,
        text text NOT NULL,
        created_at bigint NOT NULL,
        UNIQUE (task_id, seq))`,
      `CREATE TABLE task_attachment (
        id varchar(64) PRIMARY KEY,
        task_id varchar(128) NOT NULL,
        instance_id varchar(64) NOT NULL REFERENCES instance(id),
        seq integer NOT NULL,
        filename varchar(256) NOT NULL,
        content_type varchar(64) NOT NULL,
        size_bytes bigint NOT NULL,
        sha256 varchar(64) NOT NULL,
        uploaded_by varchar(128) NOT NULL,
        created_at bigint NOT NULL,
        UNIQUE (task_id, seq))`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE task_attachment`);
    await q.query(`DROP TABLE task_comment`);
    await q.query(`DROP INDEX user_task_assignee_idx`);
    await q.query(`DROP INDEX user_task_state_idx`);
    // Closed rows did not exist before: drop them with the columns that describe them.
    await q.query(`DELETE FROM user_task WHERE state <> 'open'`);
    for (const column of [
      'completed_by',
      'completed_at',
      'state',
      'priority',
      'due',
      'form_id',
      'candidate_users',
      'candidate_groups',
      'process_key',
    ]) {
      await q.query(`ALTER TABLE user_task DROP COLUMN ${column}`);
    }
  }
}
