import { createHash } from 'node:crypto';
import type { InstanceEventRow } from '../persistence/entities.js';

/** prevHash of the first event of an instance (and of the first audit ledger entry). */
export const GENESIS_HASH = '0'.repeat(64);

/** The stored fields the hash covers: the event row without its own hashes. */
export type ChainedFields = Omit<InstanceEventRow, 'hash' | 'prevHash'>;

export type ChainedEvent = ChainedFields & { hash: string; prevHash: string };

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

/** Why an instance's own chain is broken. */
export type ChainBreak =
  | { kind: 'event-missing'; seq: number }
  | { kind: 'event-altered'; seq: number }
  | { kind: 'head-mismatch'; seq: number };

/**
 * Walks one instance's log event by event in seq order, so a long log can be read page by page.
 * `push` answers the break at that event (and stops accepting more); `finish` compares the end of the
 * log with the head the instance row claims.
 */
export class ChainWalker {
  private prev = GENESIS_HASH;
  private count = 0;
  private broken: ChainBreak | undefined;

  /** Events accepted so far, the broken one included. */
  get checked(): number {
    return this.count;
  }

  /** Hash of the newest intact event (GENESIS_HASH before the first). */
  get headHash(): string {
    return this.prev;
  }

  /** Seq of the newest intact event. */
  get lastSeq(): number {
    return this.broken ? this.count - 1 : this.count;
  }

  get break(): ChainBreak | undefined {
    return this.broken;
  }

  push(row: ChainedEvent): ChainBreak | undefined {
    if (this.broken) return this.broken;
    const expectedSeq = this.count + 1;
    this.count++;
    if (row.seq !== expectedSeq) this.broken = { kind: 'event-missing', seq: expectedSeq };
    else if (row.prevHash !== this.prev || eventHash(this.prev, row) !== row.hash)
      this.broken = { kind: 'event-altered', seq: row.seq };
    else this.prev = row.hash;
    return this.broken;
  }

  /** After the last event: does the instance row's head name the end of the intact log? */
  finish(head: { lastSeq: number; headHash: string } | undefined): ChainBreak | undefined {
    if (this.broken || !head) return this.broken;
    if (head.lastSeq !== this.count || head.headHash !== this.prev)
      this.broken = { kind: 'head-mismatch', seq: Math.min(head.lastSeq, this.count + 1) };
    return this.broken;
  }
}

/** Walks an instance's log in seq order; `head` is what the instance row says the last event is. */
export function verifyChain(
  rows: ChainedEvent[],
  head: { lastSeq: number; headHash: string } | undefined,
): VerifyResult {
  const walker = new ChainWalker();
  for (const row of rows) if (walker.push(row)) break;
  const broken = walker.finish(head);
  return broken
    ? { valid: false, checked: walker.checked, firstBrokenSeq: broken.seq }
    : { valid: true, checked: walker.checked };
}
