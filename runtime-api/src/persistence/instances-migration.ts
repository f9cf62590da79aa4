import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the instance list (`GET /api/process-instances`): newest first, filtered by version,
 * state or business key. Plain CREATE INDEX works on sqlite and PostgreSQL alike.
 */
export class InstanceListIndexes1763970000000 implements MigrationInterface {
  name = 'InstanceListIndexes1763970000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX instance_created_idx ON instance (created_at, id)`);
    await q.query(`CREATE INDEX instance_process_key_idx ON instance (process_key, created_at)`);
    await q.query(`CREATE INDEX instance_state_idx ON instance (state, created_at)`);
    await q.query(`CREATE INDEX instance_business_key_idx ON instance (business_key)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of [
      'instance_business_key_idx',
      'instance_state_idx',
      'instance_process_key_idx',
      'instance_created_idx',
    ])
      await q.query(`DROP INDEX ${index}`);
  }
}
