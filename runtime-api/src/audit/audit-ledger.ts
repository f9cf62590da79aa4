import { In, type EntityManager } from 'typeorm';
import { dialectOf } from '../persistence/data-source.js';
import { InstanceEntity } from '../persistence/entities.js';
import { AuditLedgerEntity, type AuditLedgerRow } from '../persistence/ledger-entities.js';
import { GENESIS_HASH } from './hash-chain.js';
import { ledgerEntryHash } from './ledger-hash.js';

/**
 * First key of the PostgreSQL advisory lock that serialises ledger appends (a fixed, otherwise
 * unused number); the second key is the schema's name hashed, so separate SafeFlow schemas in one
 * database do not wait on each other.
 */
const LEDGER_LOCK_CLASS = 0x5afe_1ed9;

/**
 * Seals what a command wrote: appends one ledger entry per written instance (`id`) with the head
 * (last seq, head hash) its row has in this transaction, chained onto the newest ledger entry. Must run
 * inside the command's transaction (`m`), after the events and instance rows were written, so the
 * entries commit or roll back with them.
 *
 * Concurrency: the ledger is one chain, so two transactions must never read the same ledger head.
 * On sqlite they cannot: the transaction already holds the database's single write lock (it has
 * written the instance rows), and commands of one process run one at a time anyway. On PostgreSQL
 * several replicas commit at once, so the ledger head is read under a transaction-scoped advisory
 * lock, released at commit, after the commit is visible (each statement of READ COMMITTED sees it).
 * The lock is taken as late as possible — after every other write of the command — so commands
 * overlap for all their work and queue only for this last insert and the commit.
 */
export async function appendToLedger(
  m: EntityManager,
  written: ReadonlyArray<{ id: string }>,
  at: number,
): Promise<void> {
  const ids = [...new Set(written.map((w) => w.id))];
  if (ids.length === 0) return;
  const heads = await m.getRepository(InstanceEntity).find({
    select: { id: true, lastSeq: true, headHash: true },
    where: { id: In(ids) },
  });
  const headOf = new Map(heads.map((h) => [h.id, h]));
  if (dialectOf(m.connection) === 'postgres') {
    await m.query(`SELECT pg_advisory_xact_lock(${LEDGER_LOCK_CLASS}, hashtext(current_schema()))`);
  }
  const ledger = m.getRepository(AuditLedgerEntity);
  const [newest] = await ledger.find({
    select: { seq: true, hash: true },
    order: { seq: 'DESC' },
    take: 1,
  });
  let seq = newest?.seq ?? 0;
  let prevHash = newest?.hash ?? GENESIS_HASH;
  const entries: AuditLedgerRow[] = [];
  for (const id of ids) {
    const head = headOf.get(id);
    if (!head) throw new Error(`audit ledger: instance '${id}' was written but has no row`);
    const fields = {
      seq: ++seq,
      instanceId: id,
      instanceSeq: head.lastSeq,
      headHash: head.headHash,
      at,
      prevHash,
    };
    prevHash = ledgerEntryHash(fields);
    entries.push({ ...fields, hash: prevHash });
  }
  await ledger.insert(entries);
}
