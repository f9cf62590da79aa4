import { createHash } from 'node:crypto';
import type { AuditLedgerRow } from '../persistence/ledger-entities.js';

/** The stored fields a ledger entry's hash covers: the row without its own hash. */
export type LedgerFields = Omit<AuditLedgerRow, 'hash'>;

/** SHA-256 over the previous entry's hash and this entry's fields, in a fixed order. */
export function ledgerEntryHash(e: LedgerFields): string {
  const material = JSON.stringify([
    e.prevHash,
    e.seq,
    e.instanceId,
    e.instanceSeq,
    e.headHash,
    e.at,
  ]);
  return createHash('sha256').update(material, 'utf8').digest('hex');
}
