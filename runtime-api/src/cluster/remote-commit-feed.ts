import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type {
  EngineEvent,
  EngineEventType,
  InstanceState,
  InstanceStatus,
  InstanceView,
  UserTaskView,
} from '@safeflow/engine';
import type { Logger } from 'pino';
import { In, MoreThan, type DataSource } from 'typeorm';
import { CommitBus, type CommitListener, type InstanceCommit } from '../engine-host/commit-bus.js';
import {
  InstanceEntity,
  InstanceEventEntity,
  type InstanceEventRow,
  type InstanceRow,
} from '../persistence/entities.js';
import { AuditLedgerEntity, type AuditLedgerRow } from '../persistence/ledger-entities.js';
import { DATA_SOURCE, LOGGER } from '../tokens.js';
import { ClusterBus } from './cluster-bus.js';

/** The notice kind of committed changes. */
export const COMMIT_NOTICE = 'commit';
/** Ledger entries read per round while catching up. */
const CATCH_UP_BATCH = 200;
/** Commits remembered (own, or named by another replica) until met in the ledger; past this the oldest are forgotten. */
const MAX_REMEMBERED = 10_000;
/**
 * How long a ledger entry nobody has claimed waits before it is taken as another replica's (whose
 * notice was lost: it stopped between its commit and its notice). A local commit is claimed
 * microseconds after it commits, so an entry read in between must not be taken for a remote one.
 */
export const UNCLAIMED_GRACE_MS = 2_000;

const keyOf = (instanceId: string, lastSeq: number) => `${instanceId}:${lastSeq}`;

/** Adds a key to a bounded set (insertion order: the oldest is dropped first). */
function remember(set: Set<string>, key: string): void {
  set.add(key);
  while (set.size > MAX_REMEMBERED) set.delete(set.values().next().value as string);
}

/**
 * Commits made by the other replicas of the database, as InstanceCommit records of the same shape
 * as the local CommitBus's, for listeners that serve this replica's clients (live events).
 *
 * Local commits are announced to the others with a NOTICE (instance ids and seq ranges, never the
 * events). Any commit notice — or a re-opened listening connection — makes this replica read the
 * audit ledger past the last entry it handled: the ledger has one entry per instance per commit,
 * in commit order and without gaps, so nothing committed while a notice was lost or the
 * connection down is missed, and each instance's commits come out in order. Entries of this
 * replica's own commits are skipped (its local listeners already had them).
 */
@Injectable()
export class RemoteCommitFeed implements OnModuleInit, OnApplicationShutdown {
  private readonly listeners = new Set<CommitListener>();
  /** `instanceId:lastSeq` of local commits the ledger walk has not reached yet (insertion order). */
  private readonly own = new Set<string>();
  /** `instanceId:lastSeq` of commits other replicas announced, not reached yet. */
  private readonly remote = new Set<string>();
  /** Entries up to this ledger seq need no claim: committed while no notice could be heard. */
  private trustUpTo = 0;
  /** When the walk first stopped at an unclaimed entry (ledger seq → performance.now()). */
  private readonly unclaimedSince = new Map<number, number>();
  private graceTimer: NodeJS.Timeout | undefined;
  /** The last ledger seq handled; undefined until started (and always on sqlite). */
  private cursor: number | undefined;
  private running: Promise<void> = Promise.resolve();
  private again = false;
  private busy = false;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ClusterBus) private readonly cluster: ClusterBus,
    @Inject(CommitBus) private readonly local: CommitBus,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.cluster.enabled) return;
    // Listening first: whatever commits after the read below is noticed.
    await this.cluster.start();
    const [newest] = await this.ds
      .getRepository(AuditLedgerEntity)
      .find({ select: { seq: true }, order: { seq: 'DESC' }, take: 1 });
    this.cursor = newest?.seq ?? 0;
    this.unsubscribe.push(
      this.local.subscribe((commits) => this.announce(commits)),
      this.cluster.subscribe((notice, own) => {
        if (notice.kind !== COMMIT_NOTICE) return;
        if (own) return this.catchUp(); // lets the walk pass this replica's entries
        if (!notice.instances) return this.trustNewest(); // too many to list
        for (const [id, , last] of notice.instances) remember(this.remote, keyOf(id, last));
        this.catchUp();
      }),
      // Notices sent while the connection was down are lost: trust what is there now.
      this.cluster.onReconnect(() => this.trustNewest()),
    );
  }

  onApplicationShutdown(): Promise<void> {
    for (const u of this.unsubscribe) u();
    clearTimeout(this.graceTimer);
    return this.running;
  }

  /** Takes every entry committed so far as claimed (own ones are still skipped), then walks. */
  private trustNewest(): void {
    void this.ds
      .getRepository(AuditLedgerEntity)
      .find({ select: { seq: true }, order: { seq: 'DESC' }, take: 1 })
      .then(
        ([newest]) => {
          this.trustUpTo = Math.max(this.trustUpTo, newest?.seq ?? 0);
          this.catchUp();
        },
        (err: unknown) => {
          this.logger.error({ err }, 'audit ledger head could not be read');
          this.catchUp();
        },
      );
  }

  subscribe(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A local commit: remembered as this replica's, then announced to the others. */
  private announce(commits: readonly InstanceCommit[]): void {
    const instances: Array<[string, number, number]> = [];
    for (const c of commits) {
      const first = c.events[0]?.seq;
      const last = c.events[c.events.length - 1]?.seq;
      if (first === undefined || last === undefined) continue;
      remember(this.own, keyOf(c.instanceId, last));
      instances.push([c.instanceId, first, last]);
    }
    if (instances.length === 0) return;
    this.cluster
      .notify(COMMIT_NOTICE, instances)
      .catch((err: unknown) => this.logger.error({ err }, 'commit notice could not be sent'));
  }

  /** Reads the ledger past the cursor (one walk at a time; a notice during a walk runs another). */
  private catchUp(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.running = (async () => {
      do {
        this.again = false;
        try {
          while (await this.walk());
        } catch (err) {
          this.logger.error(
            { err },
            'remote commits could not be read; retried on the next notice',
          );
        }
      } while (this.again);
      this.busy = false;
    })();
  }

  /**
   * Handles one batch of ledger entries; true when there may be more. Stops at the first entry
   * nobody claimed yet (its notice is still on the way), so each instance's commits stay in order.
   */
  private async walk(): Promise<boolean> {
    if (this.cursor === undefined) return false;
    const from = this.cursor;
    const entries = await this.ds
      .getRepository(AuditLedgerEntity)
      .find({ where: { seq: MoreThan(from) }, order: { seq: 'ASC' }, take: CATCH_UP_BATCH });
    const taken: AuditLedgerRow[] = [];
    const deliver = new Set<number>();
    let waiting = false;
    for (const e of entries) {
      const key = keyOf(e.instanceId, e.instanceSeq);
      if (this.own.delete(key)) {
        taken.push(e);
        continue;
      }
      if (this.remote.delete(key) || e.seq <= this.trustUpTo || this.graceOver(e.seq)) {
        taken.push(e);
        deliver.add(e.seq);
        continue;
      }
      waiting = true;
      break;
    }
    if (taken.length === 0) {
      if (waiting) this.retryAfterGrace();
      return false;
    }
    const commits = deliver.size > 0 ? await this.commitsOf(taken, deliver, from) : [];
    this.cursor = taken[taken.length - 1]!.seq;
    for (const seq of this.unclaimedSince.keys())
      if (seq <= this.cursor) this.unclaimedSince.delete(seq);
    if (commits.length > 0) {
      for (const l of this.listeners) {
        try {
          l(commits);
        } catch (err) {
          this.logger.error({ err }, 'a remote commit listener failed');
        }
      }
    }
    if (waiting) this.retryAfterGrace();
    return !waiting && entries.length === CATCH_UP_BATCH;
  }

  /** True once the unclaimed entry `seq` has waited UNCLAIMED_GRACE_MS (transport time, not the clock). */
  private graceOver(seq: number): boolean {
    const since = this.unclaimedSince.get(seq);
    if (since === undefined) {
      this.unclaimedSince.set(seq, performance.now());
      return false;
    }
    return performance.now() - since >= UNCLAIMED_GRACE_MS;
  }

  private retryAfterGrace(): void {
    if (this.graceTimer) return;
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      this.catchUp();
    }, UNCLAIMED_GRACE_MS);
    this.graceTimer.unref();
  }

  /**
   * The commits of the ledger entries in `deliver` among `entries` (consecutive, all after ledger
   * seq `from`), in ledger order; the others only move each instance's position on.
   */
  private async commitsOf(
    entries: AuditLedgerRow[],
    deliver: ReadonlySet<number>,
    from: number,
  ): Promise<InstanceCommit[]> {
    const ids = [...new Set(entries.filter((e) => deliver.has(e.seq)).map((e) => e.instanceId))];
    // Where each instance's log stood before these entries: its last entry up to `from`.
    const before = await this.ds
      .getRepository(AuditLedgerEntity)
      .createQueryBuilder('l')
      .select('l.instanceId', 'instanceId')
      .addSelect('MAX(l.instanceSeq)', 'seq')
      .where('l.instanceId IN (:...ids) AND l.seq <= :from', { ids, from })
      .groupBy('l.instanceId')
      .getRawMany<{ instanceId: string; seq: number | string }>();
    const head = new Map(before.map((b) => [b.instanceId, Number(b.seq)]));
    const rows = await this.ds.getRepository(InstanceEntity).findBy({ id: In(ids) });
    const rowOf = new Map(rows.map((r) => [r.id, r]));
    const events = new Map<string, InstanceEventRow[]>();
    for (const id of ids) {
      const last = Math.max(
        ...entries.filter((e) => e.instanceId === id).map((e) => e.instanceSeq),
      );
      const rows = await this.ds
        .getRepository(InstanceEventEntity)
        .createQueryBuilder('e')
        .where('e.instanceId = :id AND e.seq > :after AND e.seq <= :last', {
          id,
          after: head.get(id) ?? 0,
          last,
        })
        .orderBy('e.seq', 'ASC')
        .getMany();
      events.set(id, rows);
    }
    const out: InstanceCommit[] = [];
    for (const entry of entries) {
      const row = rowOf.get(entry.instanceId);
      const after = head.get(entry.instanceId) ?? 0;
      head.set(entry.instanceId, entry.instanceSeq);
      if (!deliver.has(entry.seq)) continue;
      if (!row) continue; // deleted since: nobody can be shown it any more
      const mine = (events.get(entry.instanceId) ?? []).filter(
        (e) => e.seq > after && e.seq <= entry.instanceSeq,
      );
      if (mine.length === 0) continue;
      out.push(commitOf(row, mine));
    }
    return out;
  }
}

/**
 * One commit as the local CommitBus announces it. The instance's view and open tasks are read
 * from its row as it is now (a later commit may have moved it on already): they only decide who
 * may see the instance; the events themselves are those of the commit.
 */
function commitOf(row: InstanceRow, rows: InstanceEventRow[]): InstanceCommit {
  const state = JSON.parse(row.snapshot) as InstanceState;
  const stored = JSON.parse(row.view) as {
    variables: Record<string, unknown>;
    activeElementIds: string[];
  };
  const view: InstanceView = {
    id: row.id,
    processId: state.processId,
    processKey: row.processKey,
    version: state.version,
    ...(row.businessKey !== null ? { businessKey: row.businessKey } : {}),
    state: row.state as InstanceStatus,
    variables: stored.variables,
    activeElementIds: stored.activeElementIds,
    ...(row.parentId !== null ? { parentInstanceId: row.parentId } : {}),
    startedAt: state.startedAt,
    ...(state.endedAt !== undefined ? { endedAt: state.endedAt } : {}),
  };
  const tasks: UserTaskView[] = Object.values(state.tasks).map((t) => ({
    ...t,
    instanceId: row.id,
    processId: state.processId,
    // Live events never carry variables.
    variables: {},
  }));
  const events: EngineEvent[] = rows.map((e) => ({
    seq: e.seq,
    instanceId: e.instanceId,
    type: e.type as EngineEventType,
    ...(e.elementId !== null ? { elementId: e.elementId } : {}),
    ...(e.elementKey !== null ? { key: e.elementKey } : {}),
    ...(e.scopeKey !== null ? { scopeKey: e.scopeKey } : {}),
    at: e.at,
    payload: JSON.parse(e.payload) as Record<string, unknown>,
  }));
  return {
    instanceId: row.id,
    processKey: row.processKey,
    view,
    events,
    tasks,
    actor: rows[rows.length - 1]!.actor,
  };
}
