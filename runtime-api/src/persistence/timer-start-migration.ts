import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Durable timer start events (issue 4). */
export class TimerStartTable1763980000000 implements MigrationInterface {
  name = 'TimerStartTable1763980000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE timer_start (
        id varchar(600) PRIMARY KEY,
        process_id varchar(256) NOT NULL,
        process_key varchar(300) NOT NULL,
        event_id varchar(256) NOT NULL,
        state varchar(16) NOT NULL,
        due_at bigint,
        cycle boolean NOT NULL,
        remaining integer,
        lock_owner varchar(128),
        lock_until bigint)`);
    await q.query(`CREATE INDEX timer_start_due_idx ON timer_start (state, due_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE timer_start`);
  }
}
