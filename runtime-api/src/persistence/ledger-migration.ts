import type { MigrationInterface, QueryRunner } from 'typeorm';
import { GENESIS_HASH } from '../audit/hash-chain.js';
import { ledgerEntryHash, type LedgerFields } from '../audit/ledger-hash.js';

/** Instances sealed per round trip when an existing database gets its ledger. */
const SEAL_PAGE = 500;

/**
 * The global audit ledger (`audit_ledger`): one hash-chained entry per instance per committing
 * command. No foreign key to `instance` on purpose: an entry must outlive a deleted instance, since
 * it is the evidence of the deletion.
 *
 * A database that already holds instances gets one entry per instance for the head it has now (`at` =
 * the instance's `updated_at`), so afterwards every instance is in the ledger and "an instance row not
 * in the ledger" always means tampering. The ledger cannot vouch for what happened before it
 * existed: those heads are sealed as found (their own event chains are still verified).
 */
export class AuditLedger1763950000000 implements MigrationInterface {
  name = 'AuditLedger1763950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_ledger (
        seq integer PRIMARY KEY,
        instance_id varchar(64) NOT NULL,
        instance_seq integer NOT NULL,
        head_hash varchar(64) NOT NULL,
        at bigint NOT NULL,
        prev_hash varchar(64) NOT NULL,
        hash varchar(64) NOT NULL)`);
    await q.query(`CREATE INDEX audit_ledger_instance_idx ON audit_ledger (instance_id, seq)`);
    await sealExistingInstances(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_ledger`);
  }
}

async function sealExistingInstances(q: QueryRunner): Promise<void> {
  const pg = q.connection.options.type === 'postgres';
  const p = (i: number) => (pg ? `$${i}` : '?');
  let prevHash = GENESIS_HASH;
  let seq = 0;
  let after = '';
  for (;;) {
    const page = (await q.query(
      `SELECT id, last_seq, head_hash, updated_at FROM instance WHERE id > ${p(1)} ORDER BY id LIMIT ${SEAL_PAGE}`,
      [after],
    )) as Array<{ id: string; last_seq: number; head_hash: string; updated_at: number | string }>;
    for (const row of page) {
      const entry: LedgerFields = {
        seq: ++seq,
        instanceId: row.id,
        instanceSeq: Number(row.last_seq),
        headHash: row.head_hash,
        at: Number(row.updated_at),
        prevHash,
      };
      const hash = ledgerEntryHash(entry);
      await q.query(
        `INSERT INTO audit_ledger (seq, instance_id, instance_seq, head_hash, at, prev_hash, hash)
         VALUES (${[1, 2, 3, 4, 5, 6, 7].map(p).join(', ')})`,
        [entry.seq, entry.instanceId, entry.instanceSeq, entry.headHash, entry.at, prevHash, hash],
      );
      prevHash = hash;
    }
    if (page.length < SEAL_PAGE) return;
    after = page[page.length - 1]!.id;
  }
}
