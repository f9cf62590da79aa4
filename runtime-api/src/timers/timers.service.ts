import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { RuntimeConfig } from '../config.js';
import { EngineHost } from '../engine-host/engine-host.js';
import { dialectOf } from '../persistence/data-source.js';
import { TimerEntity } from '../persistence/entities.js';
import { TimerStartEntity, type TimerStartRow } from '../persistence/timer-start-entities.js';
import { recordTimerStartFired, savedSchedule } from '../engine-host/timer-start-schedule.js';
import { CONFIG, DATA_SOURCE, LOGGER } from '../tokens.js';

/**
 * Firing a batch takes well under a second per instance; a short lease means timers held by a
 * crashed process fire soon after a restart. Should a lease lapse mid-batch, two firings of one
 * timer still cannot both commit: the instance version check refuses the second (409, logged).
 */
const LEASE_MS = 15_000;
const BATCH = 100;

/**
 * Fires due timers from the `timer` table through the engine. Timers are claimed with a lease
 * (PostgreSQL `FOR UPDATE SKIP LOCKED`; on sqlite through the single writer queue), so replicas do
 * not fire the same one; a fired timer's row goes in the same transaction as its events. A tick runs
 * at start — timers that fell due while the service was down fire then — and every
 * `timerPollMs` after.
 */
@Injectable()
export class TimersService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly owner = `timers-${randomUUID()}`;
  private interval: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(EngineHost) private readonly host: EngineHost,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const fired = await this.tick();
    if (fired > 0) this.logger.info({ instances: fired }, 'timers due while down fired');
    const every = this.config.timerPollMs ?? 0;
    if (every > 0) {
      this.interval = setInterval(() => {
        void this.tick().catch((e: unknown) => this.logger.error({ err: e }, 'timer tick failed'));
      }, every);
      this.interval.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.interval) clearInterval(this.interval);
    await this.running?.catch(() => undefined);
  }

  /** Fires every timer due by the clock's now. Resolves to the number of instances moved on. */
  tick(): Promise<number> {
    const next = (this.running ?? Promise.resolve(0)).catch(() => 0).then(() => this.fireDue());
    this.running = next;
    return next;
  }

  private async fireDue(): Promise<number> {
    let fired = await this.fireDueStarts();
    for (;;) {
      const instances = await this.claim();
      if (instances.length === 0) return fired;
      for (const instanceId of instances) {
        const now = this.host.clock.now();
        try {
          await this.host.execute([instanceId], 'timer', (e) =>
            e.fireInstanceTimers(instanceId, now),
          );
          fired++;
        } catch (e) {
          // Another command changed the instance first (409) or it is gone: its lease runs out and
          // the next tick tries again.
          this.logger.warn({ instanceId, err: e }, 'timer not fired');
        }
      }
      if (instances.length < BATCH) return fired;
    }
  }

  /**
   * Fires due timer start events (a new instance each). The row is the schedule: it is put into
   * the engine before firing (another replica may have fired it since this one deployed), and the
   * next due time — or 'spent' — is written in the same transaction as the new instance.
   */
  private async fireDueStarts(): Promise<number> {
    let started = 0;
    for (;;) {
      const rows = await this.claimStarts();
      for (const row of rows) {
        const now = this.host.clock.now();
        try {
          await this.host.execute(
            [],
            'timer',
            (e) => {
              e.restoreTimerStart(row.id, savedSchedule(row));
              return e.fireTimerStart(row.id, now);
            },
            { inTransaction: (m) => recordTimerStartFired(m, this.host.engine, row.id) },
          );
          started++;
        } catch (e) {
          this.logger.warn({ timerStart: row.id, err: e }, 'timer start not fired');
        }
      }
      if (rows.length < BATCH) return started;
    }
  }

  private claimStarts(): Promise<TimerStartRow[]> {
    const now = this.host.clock.now();
    const postgres = dialectOf(this.ds) === 'postgres';
    return this.host.serialize(() =>
      this.ds.transaction(async (m) => {
        const qb = m
          .getRepository(TimerStartEntity)
          .createQueryBuilder('s')
          .where("s.state = 'scheduled' AND s.due_at <= :now", { now })
          .andWhere('(s.lock_until IS NULL OR s.lock_until < :now)', { now })
          .orderBy('s.due_at', 'ASC')
          .limit(BATCH);
        if (postgres) qb.setLock('pessimistic_write').setOnLocked('skip_locked');
        const rows = await qb.getMany();
        for (const r of rows)
          await m
            .getRepository(TimerStartEntity)
            .update({ id: r.id }, { lockOwner: this.owner, lockUntil: now + LEASE_MS });
        return rows;
      }),
    );
  }

  /** Leases the due timers of up to BATCH instances; returns those instances. */
  private claim(): Promise<string[]> {
    const now = this.host.clock.now();
    const postgres = dialectOf(this.ds) === 'postgres';
    return this.host.serialize(() =>
      this.ds.transaction(async (m) => {
        const qb = m
          .getRepository(TimerEntity)
          .createQueryBuilder('t')
          .where('t.due_at <= :now', { now })
          .andWhere('(t.lock_until IS NULL OR t.lock_until < :now)', { now })
          .orderBy('t.due_at', 'ASC')
          .limit(BATCH);
        if (postgres) qb.setLock('pessimistic_write').setOnLocked('skip_locked');
        const rows = await qb.getMany();
        for (const r of rows) {
          await m
            .getRepository(TimerEntity)
            .update(
              { instanceId: r.instanceId, timerId: r.timerId },
              { lockOwner: this.owner, lockUntil: now + LEASE_MS },
            );
        }
        return [...new Set(rows.map((r) => r.instanceId))];
      }),
    );
  }
}
