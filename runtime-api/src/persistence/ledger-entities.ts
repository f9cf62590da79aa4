import { EntitySchema } from 'typeorm';
import { asNumber } from './as-number.js';

/**
 * One entry of the global audit ledger: the head of one process instance's event chain right after a
 * command committed (or, for instances older than the ledger, as found when the ledger was created).
 * Entries are hash-chained in `seq` order across all instances, so deleting a whole instance or
 * rolling one back leaves a trace that its own chain cannot show. Append-only.
 */
export interface AuditLedgerRow {
  /** Global position, 1, 2, 3 … without gaps. */
  seq: number;
  instanceId: string;
  /** The instance's last event seq after the commit. */
  instanceSeq: number;
  /** The hash of that event (the instance row's `head_hash` at that point). */
  headHash: string;
  at: number;
  prevHash: string;
  hash: string;
}

export const AuditLedgerEntity = new EntitySchema<AuditLedgerRow>({
  name: 'AuditLedger',
  tableName: 'audit_ledger',
  columns: {
    seq: { type: 'integer', primary: true },
    instanceId: { name: 'instance_id', type: 'varchar', length: 64 },
    instanceSeq: { name: 'instance_seq', type: 'integer' },
    headHash: { name: 'head_hash', type: 'varchar', length: 64 },
    at: { type: 'bigint', transformer: asNumber },
    prevHash: { name: 'prev_hash', type: 'varchar', length: 64 },
    hash: { type: 'varchar', length: 64 },
  },
});
