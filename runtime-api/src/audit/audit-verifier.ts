import { In, MoreThan, type DataSource, type EntityManager } from 'typeorm';
import { dialectOf } from '../persistence/data-source.js';
import { InstanceEntity, InstanceEventEntity } from '../persistence/entities.js';
import { AuditLedgerEntity, type AuditLedgerRow } from '../persistence/ledger-entities.js';
import { ChainWalker, GENESIS_HASH, type ChainBreak } from './hash-chain.js';
import { ledgerEntryHash } from './ledger-hash.js';

/**
 * The audit verifier shared by `GET /api/audit/verify` and `safeflow audit verify`: it only reads,
 * through the EntityManager it is given (the caller chooses the consistent snapshot, see
 * `inReadSnapshot`). It recomputes
 *  - every instance's event chain and compares its end with the instance row's head,
 *  - the global ledger chain (entries 1…N, each hash over the previous one),
 *  - the two against each other: each ledger entry's (instance, seq) event exists with that hash, each
 *    instance's newest entry is its current head, every ledger instance still exists, every instance
 *    is in the ledger.
 * Large databases are read in pages (ledger entries, instances, one instance's events), never whole.
 */

export type AuditProblemCode =
  | 'event-missing'
  | 'event-altered'
  | 'instance-head-mismatch'
  | 'ledger-entry-missing'
  | 'ledger-entry-altered'
  | 'ledger-head-lost'
  | 'ledger-event-mismatch'
  | 'ledger-event-missing'
  | 'ledger-behind'
  | 'instance-not-in-ledger'
  | 'instance-deleted'
  | 'events-without-instance';

export interface AuditProblem {
  code: AuditProblemCode;
  processInstanceId?: string;
  /** The first event of the instance that is missing, altered or not proven intact. */
  firstBrokenSeq?: number;
  /** The ledger entry that is missing or altered, or that proves the instance was changed. */
  ledgerSeq?: number;
  /** One sentence for a person: what is wrong and what it means. */
  reason: string;
}

export interface AuditReport {
  valid: boolean;
  /** Events whose hashes were recomputed. */
  checked: number;
  /** Instances verified. */
  instances: number;
  /** Ledger entries verified. */
  ledgerEntries: number;
  /** The newest ledger entry (whole-database runs): record it elsewhere to catch a cut-off tail. */
  ledgerHead?: { seq: number; hash: string };
  /** What is wrong, in the order found (ledger chain, instances by id, deleted instances); capped. */
  problems: AuditProblem[];
  /** More problems exist than `problems` lists. */
  truncated?: boolean;
}

export interface AuditVerifyOptions {
  /** Rows read per query (ledger entries, instances, events). */
  pageSize?: number;
  /** Stop after this many problems. */
  maxProblems?: number;
  /**
   * A ledger head recorded by an earlier run (kept outside the database): the ledger must still
   * hold that entry with that hash. The only way to notice that the newest commits were cut off
   * whole (their events, the instance rows rolled back and the newest ledger entries removed).
   */
  expectLedgerEntry?: { seq: number; hash: string };
}

const DEFAULTS = { pageSize: 500, maxProblems: 20 };

/**
 * Runs `fn` over one consistent, read-only view of the database, so commits that land meanwhile
 * (another replica, the service next to the CLI) never look like tampering. PostgreSQL: a REPEATABLE
 * READ READ ONLY transaction. sqlite: a read transaction, which in WAL mode is a snapshot too — only
 * on a connection of its own (the CLI): the service's single shared connection uses its command queue
 * instead (see the audit controller).
 */
export function inReadSnapshot<T>(
  ds: DataSource,
  fn: (m: EntityManager) => Promise<T>,
): Promise<T> {
  if (dialectOf(ds) === 'postgres') {
    return ds.transaction('REPEATABLE READ', async (m) => {
      await m.query('SET TRANSACTION READ ONLY');
      return fn(m);
    });
  }
  return ds.transaction((m) => fn(m));
}

interface InstanceHead {
  id: string;
  lastSeq: number;
  headHash: string;
}

type LedgerRef = Pick<AuditLedgerRow, 'seq' | 'instanceSeq' | 'headHash'>;

class ProblemList {
  readonly items: AuditProblem[] = [];
  truncated = false;
  constructor(private readonly max: number) {}

  add(p: AuditProblem): void {
    if (this.items.length < this.max) this.items.push(p);
    else this.truncated = true;
  }

  get full(): boolean {
    return this.items.length >= this.max;
  }
}

/** Verifies the whole database. */
export async function verifyDatabase(
  m: EntityManager,
  options: AuditVerifyOptions = {},
): Promise<AuditReport> {
  const { pageSize, maxProblems } = { ...DEFAULTS, ...options };
  const problems = new ProblemList(maxProblems);
  const ledger = await walkLedger(m, pageSize, problems, options.expectLedgerEntry);
  let checked = 0;
  let instances = 0;
  let after = '';
  while (!problems.full) {
    const page = await m.getRepository(InstanceEntity).find({
      select: { id: true, lastSeq: true, headHash: true },
      where: { id: MoreThan(after) },
      order: { id: 'ASC' },
      take: pageSize,
    });
    if (page.length === 0) break;
    const entries = await ledgerEntriesOf(
      m,
      page.map((h) => h.id),
    );
    for (const head of page) {
      const result = await checkInstance(m, head, entries.get(head.id) ?? [], ledger.seq, pageSize);
      checked += result.checked;
      instances++;
      if (result.problem) problems.add(result.problem);
    }
    after = page[page.length - 1]!.id;
  }
  if (!problems.full) await findDeletedInstances(m, problems);
  return {
    valid: problems.items.length === 0,
    checked,
    instances,
    ledgerEntries: ledger.count,
    ledgerHead: { seq: ledger.seq, hash: ledger.hash },
    problems: problems.items,
    ...(problems.truncated ? { truncated: true } : {}),
  };
}

/**
 * Verifies one instance: its chain, its row head and its ledger entries (each entry's own hash and
 * its link to the entry before it). `undefined` when the database has never known the instance.
 */
export async function verifyInstance(
  m: EntityManager,
  instanceId: string,
  options: AuditVerifyOptions = {},
): Promise<AuditReport | undefined> {
  const { pageSize } = { ...DEFAULTS, ...options };
  const head = await m.getRepository(InstanceEntity).findOne({
    select: { id: true, lastSeq: true, headHash: true },
    where: { id: instanceId },
  });
  const entries = await m.getRepository(AuditLedgerEntity).find({
    where: { instanceId },
    order: { seq: 'ASC' },
  });
  const report = (checked: number, problem?: AuditProblem): AuditReport => ({
    valid: !problem,
    checked,
    instances: 1,
    ledgerEntries: entries.length,
    problems: problem ? [problem] : [],
  });
  if (!head) {
    const hasEvents = await m.getRepository(InstanceEventEntity).exists({ where: { instanceId } });
    if (entries.length === 0 && !hasEvents) return undefined;
    const newest = entries[entries.length - 1];
    return report(0, deletedInstance(instanceId, newest));
  }
  const linkProblem = await checkLedgerLinks(m, entries);
  if (linkProblem) return report(0, { ...linkProblem, processInstanceId: instanceId });
  const newestLedger = await m.getRepository(AuditLedgerEntity).find({
    select: { seq: true },
    order: { seq: 'DESC' },
    take: 1,
  });
  const result = await checkInstance(m, head, entries, newestLedger[0]?.seq ?? 0, pageSize);
  return report(result.checked, result.problem);
}

/** Phase 1 of a whole-database run: the ledger's own chain, page by page. */
async function walkLedger(
  m: EntityManager,
  pageSize: number,
  problems: ProblemList,
  expectedEntry?: { seq: number; hash: string },
): Promise<{ count: number; seq: number; hash: string }> {
  const repo = m.getRepository(AuditLedgerEntity);
  let prev = GENESIS_HASH;
  let next = 1;
  let recorded = expectedEntry;
  let count = 0;
  let after = 0;
  for (;;) {
    const page = await repo.find({
      where: { seq: MoreThan(after) },
      order: { seq: 'ASC' },
      take: pageSize,
    });
    for (const row of page) {
      count++;
      if (row.seq !== next) {
        // A gap: report it and go on from the row that is there, so one deletion is one problem.
        problems.add({
          code: 'ledger-entry-missing',
          ledgerSeq: next,
          reason: `audit ledger entry ${next} is missing (deleted)`,
        });
      } else if (row.prevHash !== prev || ledgerEntryHash(row) !== row.hash) {
        problems.add(alteredEntry(row));
      }
      if (recorded && row.seq === recorded.seq) {
        if (row.hash !== recorded.hash) problems.add(lostHead(recorded, 'holds another hash'));
        recorded = undefined;
      }
      prev = row.hash;
      next = row.seq + 1;
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.seq;
  }
  if (recorded) problems.add(lostHead(recorded, 'is gone'));
  return { count, seq: next - 1, hash: prev };
}

function lostHead(recorded: { seq: number; hash: string }, what: string): AuditProblem {
  return {
    code: 'ledger-head-lost',
    ledgerSeq: recorded.seq,
    reason:
      `audit ledger entry ${recorded.seq}, recorded earlier with hash ${recorded.hash}, ${what}: ` +
      'the newest commits were removed or the ledger rewritten',
  };
}

function alteredEntry(row: Pick<AuditLedgerRow, 'seq' | 'instanceId'>): AuditProblem {
  return {
    code: 'ledger-entry-altered',
    processInstanceId: row.instanceId,
    ledgerSeq: row.seq,
    reason: `audit ledger entry ${row.seq} does not match the ledger's hash chain (edited or forged)`,
  };
}

/** The ledger entries of some instances, each list in ledger order. */
async function ledgerEntriesOf(m: EntityManager, ids: string[]): Promise<Map<string, LedgerRef[]>> {
  const rows = await m.getRepository(AuditLedgerEntity).find({
    select: { seq: true, instanceId: true, instanceSeq: true, headHash: true },
    where: { instanceId: In(ids) },
    order: { seq: 'ASC' },
  });
  const out = new Map<string, LedgerRef[]>();
  for (const r of rows) {
    const list = out.get(r.instanceId) ?? [];
    list.push(r);
    out.set(r.instanceId, list);
  }
  return out;
}

/** For a one-instance run: each of its entries is intact and linked to the entry before it. */
async function checkLedgerLinks(
  m: EntityManager,
  entries: AuditLedgerRow[],
): Promise<AuditProblem | undefined> {
  const repo = m.getRepository(AuditLedgerEntity);
  for (let i = 0; i < entries.length; i += 500) {
    const chunk = entries.slice(i, i + 500);
    const before = await repo.find({
      select: { seq: true, hash: true },
      where: { seq: In(chunk.map((e) => e.seq - 1).filter((s) => s > 0)) },
    });
    const hashOf = new Map(before.map((b) => [b.seq, b.hash]));
    for (const e of chunk) {
      const prev = e.seq === 1 ? GENESIS_HASH : hashOf.get(e.seq - 1);
      if (prev === undefined) {
        return {
          code: 'ledger-entry-missing',
          ledgerSeq: e.seq - 1,
          reason: `audit ledger entry ${e.seq - 1} is missing (deleted)`,
        };
      }
      if (e.prevHash !== prev || ledgerEntryHash(e) !== e.hash) return alteredEntry(e);
    }
  }
  return undefined;
}

/**
 * One instance: walks its events page by page through the chain, checks each ledger entry's sealed
 * event on the way, then the row head and the newest ledger entry. One problem at most (the first).
 */
async function checkInstance(
  m: EntityManager,
  head: InstanceHead,
  entries: LedgerRef[],
  ledgerSeq: number,
  pageSize: number,
): Promise<{ checked: number; problem?: AuditProblem }> {
  const id = head.id;
  const sealing = new Map<number, LedgerRef[]>();
  for (const e of entries) sealing.set(e.instanceSeq, [...(sealing.get(e.instanceSeq) ?? []), e]);
  const walker = new ChainWalker();
  const events = m.getRepository(InstanceEventEntity);
  let provenSeq = 0;
  let after = 0;
  for (;;) {
    const page = await events.find({
      where: { instanceId: id, seq: MoreThan(after) },
      order: { seq: 'ASC' },
      take: pageSize,
    });
    for (const row of page) {
      const broken = walker.push(row);
      if (broken) return { checked: walker.checked, problem: chainProblem(id, broken, head) };
      for (const e of sealing.get(row.seq) ?? []) {
        if (e.headHash !== row.hash) {
          return {
            checked: walker.checked,
            problem: {
              code: 'ledger-event-mismatch',
              processInstanceId: id,
              firstBrokenSeq: provenSeq + 1,
              ledgerSeq: e.seq,
              reason:
                `audit ledger entry ${e.seq} sealed event seq ${row.seq} of process instance ${id} ` +
                `with another hash: its events after seq ${provenSeq} were rewritten`,
            },
          };
        }
        provenSeq = row.seq;
      }
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.seq;
  }
  const checked = walker.checked;
  const beyond = entries.find((e) => e.instanceSeq > walker.lastSeq);
  if (beyond) {
    return {
      checked,
      problem: {
        code: 'ledger-event-missing',
        processInstanceId: id,
        firstBrokenSeq: walker.lastSeq + 1,
        ledgerSeq: beyond.seq,
        reason:
          `audit ledger entry ${beyond.seq} sealed process instance ${id} at event seq ` +
          `${beyond.instanceSeq}, but its log ends at seq ${walker.lastSeq}: events were deleted`,
      },
    };
  }
  const headBreak = walker.finish(head);
  if (headBreak) return { checked, problem: chainProblem(id, headBreak, head) };
  const newest = entries[entries.length - 1];
  if (!newest) {
    return {
      checked,
      problem: {
        code: 'instance-not-in-ledger',
        processInstanceId: id,
        firstBrokenSeq: 1,
        reason: `process instance ${id} is not in the audit ledger: written outside the service, or its ledger entries were deleted`,
      },
    };
  }
  if (newest.instanceSeq < head.lastSeq) {
    return {
      checked,
      problem: {
        code: 'ledger-behind',
        processInstanceId: id,
        firstBrokenSeq: newest.instanceSeq + 1,
        ledgerSeq: ledgerSeq + 1,
        reason:
          `process instance ${id} is at event seq ${head.lastSeq} but the audit ledger sealed it only ` +
          `up to seq ${newest.instanceSeq} (entry ${newest.seq}): the newest ledger entries were ` +
          `deleted, or events were added outside the service`,
      },
    };
  }
  return { checked };
}

function chainProblem(id: string, broken: ChainBreak, head: InstanceHead): AuditProblem {
  const at = { processInstanceId: id, firstBrokenSeq: broken.seq };
  switch (broken.kind) {
    case 'event-missing':
      return {
        code: 'event-missing',
        ...at,
        reason: `event seq ${broken.seq} of process instance ${id} is missing (deleted)`,
      };
    case 'event-altered':
      return {
        code: 'event-altered',
        ...at,
        reason: `event seq ${broken.seq} of process instance ${id} does not match its hash chain (edited or forged)`,
      };
    case 'head-mismatch':
      return {
        code: 'instance-head-mismatch',
        ...at,
        reason: `the row of process instance ${id} names event seq ${head.lastSeq} as its head, which is not the end of its log: events were deleted or the row was edited`,
      };
  }
}

function deletedInstance(id: string, newest: LedgerRef | undefined): AuditProblem {
  if (!newest) {
    return {
      code: 'events-without-instance',
      processInstanceId: id,
      firstBrokenSeq: 1,
      reason: `events of process instance ${id} exist without its row and outside the audit ledger (inserted or the instance deleted)`,
    };
  }
  return {
    code: 'instance-deleted',
    processInstanceId: id,
    firstBrokenSeq: 1,
    ledgerSeq: newest.seq,
    reason:
      `process instance ${id} is in the audit ledger (entry ${newest.seq}, event seq ` +
      `${newest.instanceSeq}) but its row is gone: the instance was deleted`,
  };
}

/** Last phase: instances the ledger knows (or events exist for) without an instance row. */
async function findDeletedInstances(m: EntityManager, problems: ProblemList): Promise<void> {
  const gone = (await m.query(
    `SELECT l.instance_id AS instance_id, MAX(l.seq) AS seq
       FROM audit_ledger l
      WHERE NOT EXISTS (SELECT 1 FROM instance i WHERE i.id = l.instance_id)
      GROUP BY l.instance_id
      ORDER BY l.instance_id`,
  )) as Array<{ instance_id: string; seq: number | string }>;
  const newestSeqs = gone.map((g) => Number(g.seq));
  const newest = new Map<string, LedgerRef>();
  for (let i = 0; i < newestSeqs.length; i += 500) {
    const rows = await m.getRepository(AuditLedgerEntity).find({
      select: { seq: true, instanceId: true, instanceSeq: true, headHash: true },
      where: { seq: In(newestSeqs.slice(i, i + 500)) },
    });
    for (const r of rows) newest.set(r.instanceId, r);
  }
  for (const g of gone) problems.add(deletedInstance(g.instance_id, newest.get(g.instance_id)));
  const orphans = (await m.query(
    `SELECT DISTINCT e.instance_id AS instance_id
       FROM instance_event e
      WHERE NOT EXISTS (SELECT 1 FROM instance i WHERE i.id = e.instance_id)
        AND NOT EXISTS (SELECT 1 FROM audit_ledger l WHERE l.instance_id = e.instance_id)
      ORDER BY e.instance_id`,
  )) as Array<{ instance_id: string }>;
  for (const o of orphans) problems.add(deletedInstance(o.instance_id, undefined));
}
