import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  HttpException,
  Inject,
  Injectable,
  NotFoundException,
  type OnModuleInit,
} from '@nestjs/common';
import {
  Engine,
  type CommandResult,
  type DeployResult,
  type EngineError,
  type EngineEvent,
  type InstanceState,
  type JobView,
  type StartResult,
} from '@safeflow/engine';
import type { Logger } from 'pino';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { GENESIS_HASH, eventHash } from '../audit/hash-chain.js';
import { appendToLedger } from '../audit/audit-ledger.js';
import type { Clock } from '../common/clock.js';
import { Mutex } from '../common/mutex.js';
import { DeploymentCatchUp, isProcessNotFound } from '../cluster/deployment-catch-up.js';
import { CommitBus, type InstanceCommit } from './commit-bus.js';
import { projectJobs } from './job-projection.js';
import { projectSubscriptions } from './subscription-projection.js';
import { projectTasks } from './task-projection.js';
import { projectTimers } from './timer-projection.js';
import { reconcileTimerStarts } from './timer-start-schedule.js';
import { dialectOf } from '../persistence/data-source.js';
import {
  DeploymentEntity,
  InstanceEntity,
  InstanceEventEntity,
  ProcessDefinitionEntity,
  type InstanceEventRow,
  type InstanceRow,
} from '../persistence/entities.js';
import { CLOCK, DATA_SOURCE, LOGGER } from '../tokens.js';

/** Maps an engine refusal to an HTTP error. */
export function refusal(error: EngineError): HttpException {
  switch (error.code) {
    case 'TASK_NOT_ACTIVE':
    case 'JOB_NOT_ACTIVE':
    case 'INSTANCE_NOT_ACTIVE':
    case 'MIGRATION_INVALID': // well formed, but the instance's position conflicts with the target
      return new ConflictException({ statusCode: 409, code: error.code, message: error.message });
    case 'NOT_FOUND':
    case 'PROCESS_NOT_FOUND':
    case 'INSTANCE_NOT_FOUND':
    case 'TASK_NOT_FOUND':
    case 'JOB_NOT_FOUND':
    case 'INCIDENT_NOT_FOUND':
    case 'ELEMENT_NOT_FOUND':
      return new NotFoundException({ statusCode: 404, code: error.code, message: error.message });
    default:
      return new BadRequestException({ statusCode: 400, code: error.code, message: error.message });
  }
}

export interface DeployInput {
  name: string;
  resources: Array<{ name: string; content: string }>;
}

type Outcome = CommandResult | StartResult;

/**
 * Hosts the in-memory engine over the database. The `instance_event` table is the source of truth and
 * the instance row's snapshot the fast way back into memory. A command: load the instance(s) it
 * touches from the database into the engine, run it, then write the new events (hash-chained) and
 * snapshots in one transaction, each instance row only if its version is still the one loaded —
 * otherwise another command got there first and this one is refused with 409.
 */
@Injectable()
export class EngineHost implements OnModuleInit {
  readonly engine: Engine;
  /** Loads deployments stored by other replicas (on their notice, or when a command lacks a process). */
  readonly deployments: DeploymentCatchUp;
  /** sqlite has one writer and one connection: commands run one at a time. PostgreSQL relies on versions. */
  private readonly lock: Mutex | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) readonly clock: Clock,
    @Inject(CommitBus) private readonly bus: CommitBus,
  ) {
    this.engine = new Engine({ clock: () => clock.now(), newInstanceId: () => randomUUID() });
    this.lock = dialectOf(ds) === 'sqlite' ? new Mutex() : undefined;
    this.deployments = new DeploymentCatchUp(ds, this.engine, logger);
  }

  /** Runs `fn` alone among commands on sqlite (the single writer); directly on PostgreSQL. */
  serialize<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock ? this.lock.run(fn) : fn();
  }

  /** Redeploys every stored deployment in order, so versions come out as they were. */
  async onModuleInit(): Promise<void> {
    const loaded = await this.deployments.loadNew(); // reconciles timer starts when it loaded any
    if (loaded === 0) await this.ds.transaction((m) => reconcileTimerStarts(m, this.engine));
    this.logger.info({ deployments: loaded }, 'deployments loaded');
  }

  /** Deploys and stores; throws the engine's DeploymentError when the models are invalid. */
  deploy(input: DeployInput, actor: string): Promise<{ id: string; result: DeployResult }> {
    return this.serialize(async () => {
      // Versions follow every deployment stored so far (some perhaps by another replica).
      await this.deployments.loadNew();
      const result = await this.engine.deploy(input.resources);
      const id = randomUUID();
      const now = this.clock.now();
      let ordinal = 0;
      await this.ds.transaction(async (m) => {
        const last = await m
          .getRepository(DeploymentEntity)
          .createQueryBuilder('d')
          .select('MAX(d.ordinal)', 'max')
          .getRawOne<{ max: number | string | null }>();
        await m.getRepository(DeploymentEntity).insert({
          id,
          name: input.name,
          resources: JSON.stringify(input.resources),
          processes: JSON.stringify(result.processes),
          createdBy: actor,
          createdAt: now,
          ordinal: (ordinal = Number(last?.max ?? 0) + 1),
        });
        const defs = m.getRepository(ProcessDefinitionEntity);
        for (const p of result.processes) {
          if (await defs.findOneBy({ key: p.key })) continue;
          const name = this.engine.listProcesses().find((x) => x.key === p.key)?.name ?? null;
          await defs.insert({
            key: p.key,
            processId: p.id,
            version: p.version,
            name,
            deploymentId: id,
            createdAt: now,
          });
        }
        await reconcileTimerStarts(m, this.engine);
      });
      this.deployments.storedHere(ordinal);
      this.logger.info(
        { deploymentId: id, processes: result.processes.map((p) => p.key), actor },
        'deployed',
      );
      return { id, result };
    });
  }

  /** Starts an instance of the latest version of a process. */
  start(
    processId: string,
    options: { variables?: Record<string, unknown>; businessKey?: string; version?: number },
    actor: string,
  ) {
    return this.execute([], actor, (engine) => engine.start(processId, options)) as Promise<
      Extract<StartResult, { ok: true }>
    >;
  }

  completeTask(
    taskId: string,
    variables: Record<string, unknown>,
    actor: string,
  ): Promise<CommandResult> {
    const dot = taskId.lastIndexOf('.');
    if (dot <= 0)
      throw new NotFoundException({
        statusCode: 404,
        code: 'TASK_NOT_FOUND',
        message: `no task '${taskId}'`,
      });
    return this.execute([taskId.slice(0, dot)], actor, (engine) =>
      engine.completeTask(taskId, variables),
    );
  }

  /**
   * Runs a command against the current stored state of `instanceIds` (and their parents and
   * children), then persists what it did. Refusals become HTTP errors.
   */
  execute(
    instanceIds: string[],
    actor: string,
    command: (engine: Engine) => Outcome,
    options: {
      /** More writes that belong to the same transaction (e.g. a timer start's next due time). */
      inTransaction?: (m: EntityManager) => Promise<void>;
    } = {},
  ): Promise<Outcome> {
    return this.executeOnce(instanceIds, actor, command, options).catch(async (err: unknown) => {
      // The process may have been deployed on another replica a moment ago (its notice not heard
      // yet, or lost, or being loaded): load the stored deployments this one lacks — only now, so a
      // command costs no query otherwise — and try once more.
      if (!isProcessNotFound(err)) throw err;
      await this.serialize(() => this.deployments.loadNew());
      return this.executeOnce(instanceIds, actor, command, options);
    });
  }

  private executeOnce(
    instanceIds: string[],
    actor: string,
    command: (engine: Engine) => Outcome,
    options: { inTransaction?: (m: EntityManager) => Promise<void> },
  ): Promise<Outcome> {
    return this.serialize(async () => {
      const loaded = await this.loadRows(instanceIds);
      for (const id of instanceIds) {
        if (!loaded.has(id)) {
          throw new NotFoundException({
            statusCode: 404,
            code: 'INSTANCE_NOT_FOUND',
            message: `no process instance '${id}'`,
          });
        }
      }
      // From here to the end of `capture` nothing awaits: the engine is ours alone. Afterwards it
      // forgets every instance again — the database is the only copy between commands, so no
      // stale in-memory instance can answer for one another replica has moved on.
      let outcome: Outcome;
      let writes: ReturnType<EngineHost['capture']>;
      try {
        for (const row of loaded.values()) {
          this.engine.restoreInstance(JSON.parse(row.snapshot) as InstanceState, []);
        }
        outcome = command(this.engine);
        if (!outcome.ok) throw refusal(outcome.error);
        writes = this.capture(outcome.events);
      } finally {
        this.unloadAll();
      }
      await this.ds.transaction(async (m) => {
        await this.persist(m, writes, loaded, actor);
        await options.inTransaction?.(m);
      });
      this.announce(writes, actor);
      return outcome;
    });
  }

  /**
   * The current views of some jobs of one instance (variables as the element sees them), read from
   * its stored state. Jobs no longer open are left out.
   */
  jobViews(instanceId: string, jobKeys: string[]): Promise<JobView[]> {
    return this.serialize(async () => {
      const row = await this.ds.getRepository(InstanceEntity).findOneBy({ id: instanceId });
      if (!row) return [];
      // Its process version may have been deployed on another replica a moment ago.
      if (!this.engine.listProcesses().some((p) => p.key === row.processKey))
        await this.deployments.loadNew();
      this.engine.restoreInstance(JSON.parse(row.snapshot) as InstanceState, []);
      try {
        const wanted = new Set(jobKeys);
        const state = this.engine.getState(instanceId);
        return this.engine
          .activatableJobs({ instanceId })
          .filter((j) => wanted.has(j.key) && state?.jobs[j.key]);
      } finally {
        this.unloadAll();
      }
    });
  }

  /** Which of `ids` have a stored instance row. */
  async existing(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.ds
      .getRepository(InstanceEntity)
      .find({ select: { id: true }, where: { id: In(ids) } });
    return rows.map((r) => r.id);
  }

  /** Drops every instance from the engine's memory (the database keeps them). */
  private unloadAll(): void {
    for (const v of this.engine.listInstances()) this.engine.unloadInstance(v.id);
  }

  private async loadRows(ids: string[]): Promise<Map<string, InstanceRow>> {
    const out = new Map<string, InstanceRow>();
    if (ids.length === 0) return out;
    const repo = this.ds.getRepository(InstanceEntity);
    const rows = await repo.findBy({ id: In(ids) });
    for (const r of rows) out.set(r.id, r);
    const parents = rows.map((r) => r.parentId).filter((p): p is string => !!p && !out.has(p));
    if (parents.length > 0)
      for (const r of await repo.findBy({ id: In(parents) })) out.set(r.id, r);
    const children = await repo.findBy({ parentId: In([...out.keys()]), state: 'active' });
    for (const r of children) if (!out.has(r.id)) out.set(r.id, r);
    return out;
  }

  private capture(events: EngineEvent[]) {
    const byInstance = new Map<string, EngineEvent[]>();
    for (const e of events) {
      const list = byInstance.get(e.instanceId) ?? [];
      list.push(e);
      byInstance.set(e.instanceId, list);
    }
    return [...byInstance].map(([id, evs]) => {
      const state = this.engine.getState(id);
      const view = this.engine.getInstance(id);
      if (!state || !view) throw new Error(`engine lost instance '${id}'`);
      return { id, events: evs, state, view, tasks: this.engine.openTasks({ instanceId: id }) };
    });
  }

  private async persist(
    m: EntityManager,
    writes: ReturnType<EngineHost['capture']>,
    loaded: Map<string, InstanceRow>,
    actor: string,
  ): Promise<void> {
    const now = this.clock.now();
    for (const w of writes) {
      const prior = loaded.get(w.id);
      let prev = prior?.headHash ?? GENESIS_HASH;
      let expectedSeq = (prior?.lastSeq ?? 0) + 1;
      const rows: InstanceEventRow[] = [];
      for (const e of w.events) {
        if (e.seq !== expectedSeq) throw this.conflict(w.id);
        const row: Omit<InstanceEventRow, 'hash'> = {
          instanceId: w.id,
          seq: e.seq,
          type: e.type,
          elementId: e.elementId ?? null,
          elementKey: e.key ?? null,
          scopeKey: e.scopeKey ?? null,
          actor,
          at: e.at,
          payload: JSON.stringify(e.payload ?? {}),
          prevHash: prev,
        };
        const hash = eventHash(prev, row);
        rows.push({ ...row, hash });
        prev = hash;
        expectedSeq++;
      }
      const fields = {
        state: w.view.state,
        lastSeq: expectedSeq - 1,
        headHash: prev,
        snapshot: JSON.stringify(w.state),
        view: JSON.stringify({
          variables: w.view.variables,
          activeElementIds: w.view.activeElementIds,
        }),
        updatedAt: now,
      };
      if (prior) {
        const res = await m
          .createQueryBuilder()
          .update(InstanceEntity)
          // processKey changes when the instance is migrated to another version.
          .set({ ...fields, processKey: w.view.processKey, version: prior.version + 1 })
          .where('id = :id AND version = :version', { id: w.id, version: prior.version })
          .execute();
        if (res.affected !== 1) throw this.conflict(w.id);
      } else {
        try {
          await m.getRepository(InstanceEntity).insert({
            id: w.id,
            processKey: w.view.processKey,
            parentId: w.view.parentInstanceId ?? null,
            businessKey: w.view.businessKey ?? null,
            version: 1,
            createdAt: now,
            ...fields,
          });
        } catch {
          throw this.conflict(w.id);
        }
      }
      if (rows.length > 0) await m.getRepository(InstanceEventEntity).insert(rows);
      await projectJobs(m, w.id, w.events, w.state);
      await projectTimers(m, w.id, w.events, w.state);
      await projectSubscriptions(m, w.id, w.events, w.state);
      await projectTasks(m, w.id, w.events, w.state, w.tasks, actor, now);
    }
    await appendToLedger(m, writes, now); // seals the heads just written (global audit ledger)
  }

  /** Tells in-process listeners (live events) what was committed. */
  private announce(writes: ReturnType<EngineHost['capture']>, actor: string): void {
    const commits: InstanceCommit[] = writes
      .filter((w) => w.events.length > 0)
      .map((w) => ({
        instanceId: w.id,
        processKey: w.view.processKey,
        view: w.view,
        events: w.events,
        tasks: w.tasks,
        actor,
      }));
    for (const err of this.bus.publish(commits))
      this.logger.error({ err }, 'a commit listener failed');
  }

  private conflict(instanceId: string): ConflictException {
    return new ConflictException({
      statusCode: 409,
      code: 'CONCURRENT_MODIFICATION',
      message: `process instance '${instanceId}' was changed by another command; reload and retry`,
    });
  }
}
