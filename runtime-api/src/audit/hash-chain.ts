import { createHash } from 'node:crypto';
import type { InstanceEventRow } from '../persistence/entities.js';

/** prevHash of the first event of an instance. */
export const GENESIS_HASH = '0'.repeat(64);

/** The stored fields the hash covers: the event row without its own hashes. */
export type ChainedFields = Omit<InstanceEventRow, 'hash' | 'prevHash'>;

/** SHA-256 over the previous hash and the event's fields, in a fixed order. */
export function eventHash(prevHash: string, e: ChainedFields): string {
  const material = JSON.stringify([
    prevHash,
    e.instanceId,
    e.seq,
    e.type,
    e.elementId,
    e.elementKey,
    e.scopeKey,
    e.actor,
    e.at,
    e.payload,
  ]);
  return createHash('sha256').update(material, 'utf8').digest('hex');
}

export interface VerifyResult {
  valid: boolean;
  checked: number;
  firstBrokenSeq?: number;
}

/** Walks an instance's log in seq order; `head` is what the instance row says the last event is. */
export function verifyChain(
  rows: Array<ChainedFields & { hash: string; prevHash: string }>,
  head: { lastSeq: number; headHash: string } | undefined,
): VerifyResult {
  let prev = GENESIS_HASH;
  let checked = 0;
  for (const [i, row] of rows.entries()) {
    const expectedSeq = i + 1;
    checked++;
    if (row.seq !== expectedSeq) return { valid: false, checked, firstBrokenSeq: expectedSeq };
    if (row.prevHash !== prev || eventHash(prev, row) !== row.hash) {
      return { valid: false, checked, firstBrokenSeq: row.seq };
    }
    prev = row.hash;
  }
  if (head && (head.lastSeq !== rows.length || head.headHash !== prev)) {
    return { valid: false, checked, firstBrokenSeq: Math.min(head.lastSeq, rows.length + 1) };
  }
  return { valid: true, checked };
}
