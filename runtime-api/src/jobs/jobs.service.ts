import { randomUUID } from 'node:crypto';
import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { JobView } from '@safeflow/engine';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { RuntimeConfig } from '../config.js';
import { EngineHost } from '../engine-host/engine-host.js';
import { dialectOf } from '../persistence/data-source.js';
import { JobEntity, type JobRow } from '../persistence/entities.js';
import { CONFIG, DATA_SOURCE, LOGGER } from '../tokens.js';
import { BpmnError, JobFailure, JobHandlerRegistry } from './job-handlers.js';

/** Back-off before the n-th retry (n = attempts so far): 1 s, 2 s, 4 s … capped at 5 min. */
export function retryBackoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 5 * 60_000);
}

/**
 * The built-in worker leases one job at a time, for the handler time limit plus a margin: a lease
 * covers only work that has started, so after a crash the jobs it held are free again within about
 * a minute (a lease on a whole batch would hold jobs that were never begun for the batch's time).
 */
const WORKER_LEASE_MARGIN_MS = 30_000;
const DEFAULT_HANDLER_LIMIT_MS = 30_000;

/**
 * Jobs in the `job` table: claimed with leases (PostgreSQL `FOR UPDATE SKIP LOCKED`, so replicas
 * never get the same job; on sqlite claims go through the single writer queue), answered through the
 * engine (complete / fail with back-off / BPMN error). The worker runs registered handlers.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  /** This process as a lease owner. */
  readonly workerId = `worker-${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(EngineHost) private readonly host: EngineHost,
    @Inject(JobHandlerRegistry) readonly handlers: JobHandlerRegistry,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.jobPollMs ?? 0;
    if (every > 0) {
      this.timer = setInterval(() => {
        void this.runDue().catch((e: unknown) =>
          this.logger.error({ err: e }, 'job worker pass failed'),
        );
      }, every);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /**
   * Claims up to `maxJobs` due jobs of `type` for `owner` until now + `lockMs`: jobs with retries
   * left, past their back-off, and not leased by anyone (or whose lease ran out).
   */
  async claim(type: string, maxJobs: number, lockMs: number, owner: string): Promise<JobRow[]> {
    const now = this.host.clock.now();
    const postgres = dialectOf(this.ds) === 'postgres';
    return this.host.serialize(() =>
      this.ds.transaction(async (m) => {
        const qb = m
          .getRepository(JobEntity)
          .createQueryBuilder('j')
          .where('j.type = :type', { type })
          .andWhere('j.retries > 0')
          .andWhere('(j.not_before IS NULL OR j.not_before <= :now)', { now })
          .andWhere('(j.lock_until IS NULL OR j.lock_until < :now)', { now })
          .orderBy('j.created_at', 'ASC')
          .addOrderBy('j.job_key', 'ASC')
          .limit(maxJobs);
        if (postgres) qb.setLock('pessimistic_write').setOnLocked('skip_locked');
        const rows = await qb.getMany();
        if (rows.length === 0) return [];
        const until = now + lockMs;
        for (const r of rows) {
          await m
            .getRepository(JobEntity)
            .update({ jobKey: r.jobKey }, { lockOwner: owner, lockUntil: until });
          r.lockOwner = owner;
          r.lockUntil = until;
        }
        return rows;
      }),
    );
  }

  /** Claims and returns the jobs' views (variables, headers, idempotency key). */
  async activate(type: string, maxJobs: number, lockMs: number, owner: string): Promise<JobView[]> {
    return this.views(await this.claim(type, maxJobs, lockMs, owner));
  }

  private async views(rows: JobRow[]): Promise<JobView[]> {
    const byInstance = new Map<string, string[]>();
    for (const r of rows)
      byInstance.set(r.instanceId, [...(byInstance.get(r.instanceId) ?? []), r.jobKey]);
    const out: JobView[] = [];
    for (const [instanceId, keys] of byInstance)
      out.push(...(await this.host.jobViews(instanceId, keys)));
    return out;
  }

  async row(jobKey: string): Promise<JobRow> {
    const row = await this.ds.getRepository(JobEntity).findOneBy({ jobKey });
    if (!row)
      throw new NotFoundException({
        statusCode: 404,
        code: 'JOB_NOT_FOUND',
        message: `no open job '${jobKey}'`,
      });
    return row;
  }

  async complete(jobKey: string, variables: Record<string, unknown>, actor: string): Promise<void> {
    const row = await this.row(jobKey);
    await this.host.execute([row.instanceId], actor, (e) => e.completeJob(jobKey, variables));
  }

  /** Fails an attempt: `retries` left (default one fewer), back-off before the next. */
  async fail(
    jobKey: string,
    options: { retries?: number; errorMessage?: string; retryBackoffMs?: number },
    actor: string,
  ): Promise<void> {
    const row = await this.row(jobKey);
    const retries = options.retries ?? Math.max(0, row.retries - 1);
    await this.host.execute([row.instanceId], actor, (e) =>
      e.failJob(jobKey, {
        retries,
        ...(options.errorMessage ? { errorMessage: options.errorMessage } : {}),
        ...(options.retryBackoffMs !== undefined ? { retryBackoffMs: options.retryBackoffMs } : {}),
      }),
    );
  }

  async throwError(
    jobKey: string,
    errorCode: string,
    options: { errorMessage?: string; variables?: Record<string, unknown> },
    actor: string,
  ): Promise<void> {
    const row = await this.row(jobKey);
    await this.host.execute([row.instanceId], actor, (e) =>
      e.throwError(jobKey, errorCode, options),
    );
  }

  /** One worker pass: every due job of every registered type goes to its handler. Returns jobs run. */
  runDue(): Promise<number> {
    const pass = (this.running ?? Promise.resolve(0)).catch(() => 0).then(() => this.pass());
    this.running = pass;
    return pass;
  }

  private async pass(): Promise<number> {
    let ran = 0;
    for (const type of this.handlers.types()) {
      for (;;) {
        const lease =
          (this.config.pluginTimeoutMs ?? DEFAULT_HANDLER_LIMIT_MS) + WORKER_LEASE_MARGIN_MS;
        const rows = await this.claim(type, 1, lease, this.workerId);
        if (rows.length === 0) break;
        const attempts = new Map(rows.map((r) => [r.jobKey, r.attempts]));
        for (const job of await this.views(rows)) {
          await this.work(job, (attempts.get(job.key) ?? 0) + 1);
          ran++;
        }
      }
    }
    return ran;
  }

  private async work(job: JobView, attempt: number): Promise<void> {
    const handler = this.handlers.get(job.type);
    if (!handler) return;
    const actor = `job:${job.type}`;
    let variables: Record<string, unknown> | void;
    try {
      variables = await handler({ job, idempotencyKey: job.idempotencyKey, retries: job.retries });
    } catch (e) {
      try {
        if (e instanceof BpmnError) {
          await this.throwError(
            job.key,
            e.code,
            { errorMessage: e.message, variables: e.variables },
            actor,
          );
        } else {
          const message = e instanceof Error ? e.message : String(e);
          const own = e instanceof JobFailure ? e : undefined;
          const left = own?.retries ?? Math.max(0, job.retries - 1);
          this.logger.warn(
            { jobKey: job.key, type: job.type, retries: left, err: message },
            'job failed',
          );
          await this.fail(
            job.key,
            {
              retries: left,
              errorMessage: message,
              retryBackoffMs: own?.retryBackoffMs ?? retryBackoffMs(attempt),
            },
            actor,
          );
        }
      } catch (answer) {
        this.lost(job, answer);
      }
      return;
    }
    try {
      await this.complete(job.key, variables ?? {}, actor);
    } catch (answer) {
      this.lost(job, answer);
    }
  }

  /** Someone else answered or cancelled the job first: the lease lapses; nothing else to do. */
  private lost(job: JobView, e: unknown): void {
    if (e instanceof ConflictException || e instanceof NotFoundException) {
      this.logger.info({ jobKey: job.key }, 'job answered elsewhere');
      return;
    }
    this.logger.error({ jobKey: job.key, err: e }, 'job answer failed');
  }
}
