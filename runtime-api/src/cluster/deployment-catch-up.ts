import { HttpException } from '@nestjs/common';
import { EngineCommandError, type Engine } from '@safeflow/engine';
import type { Logger } from 'pino';
import { MoreThan, type DataSource, type EntityManager } from 'typeorm';
import { reconcileTimerStarts } from '../engine-host/timer-start-schedule.js';
import { dialectOf } from '../persistence/data-source.js';
import { DeploymentEntity } from '../persistence/entities.js';

/** The notice kind sent once a deployment is stored (see DeploymentNotices). */
export const DEPLOYMENT_NOTICE = 'deployment';

export type LocalDeploymentListener = (ordinal: number) => void;

/**
 * Keeps the engine's process versions in step with the `deployment` table: stored deployments are
 * deployed into the engine in `ordinal` order, each once, so every replica numbers the versions
 * alike. Used at start, on another replica's deployment notice, and — since a notice can be lost
 * while the listening connection is down — when a command meets a process version the engine does
 * not know (then the command is retried once).
 */
export class DeploymentCatchUp {
  /** The highest ordinal deployed into the engine with every lower one. */
  private loadedUpTo = 0;
  /** Ordinals this replica stored (and so deployed) above `loadedUpTo`, skipped when reached. */
  private readonly own = new Set<number>();
  /** One load at a time: two loads of the same row would add a version twice. */
  private queue: Promise<unknown> = Promise.resolve();
  /** After the first load (at start, everything stored), each later one is logged. */
  private started = false;
  private readonly listeners = new Set<LocalDeploymentListener>();

  constructor(
    private readonly ds: DataSource,
    private readonly engine: Engine,
    private readonly logger: Logger,
  ) {}

  /**
   * Deploys the stored deployments not loaded yet (one query), in order, then reconciles the timer
   * starts as a deploy does; resolves to how many were loaded.
   */
  loadNew(): Promise<number> {
    const run = this.queue.then(() => this.load());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Records a deployment this replica stored under `ordinal` (its engine has it), and tells listeners. */
  storedHere(ordinal: number): void {
    if (ordinal > this.loadedUpTo) this.own.add(ordinal);
    while (this.own.delete(this.loadedUpTo + 1)) this.loadedUpTo++;
    for (const l of this.listeners) {
      try {
        l(ordinal);
      } catch (err) {
        this.logger.error({ err }, 'a deployment listener failed');
      }
    }
  }

  /** Called after each deployment this replica stores (to notify the others). */
  onStoredHere(listener: LocalDeploymentListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * On PostgreSQL in one REPEATABLE READ transaction: the timer starts reconciled are those of the
   * deployments read (a deployment stores its timer starts in its own transaction), so a
   * deployment committed meanwhile elsewhere — a version this engine does not have yet — cannot
   * have its timer starts taken for a replaced version's and deleted.
   */
  private load(): Promise<number> {
    const load = async (m: EntityManager): Promise<number> => {
      const rows = await m
        .getRepository(DeploymentEntity)
        .find({ where: { ordinal: MoreThan(this.loadedUpTo) }, order: { ordinal: 'ASC' } });
      let loaded = 0;
      for (const row of rows) {
        if (!this.own.delete(row.ordinal)) {
          await this.engine.deploy(JSON.parse(row.resources) as Parameters<Engine['deploy']>[0]);
          loaded++;
          if (this.started)
            this.logger.info(
              { deploymentId: row.id, ordinal: row.ordinal },
              'deployment of another replica loaded',
            );
        }
        this.loadedUpTo = row.ordinal;
      }
      if (loaded > 0) await reconcileTimerStarts(m, this.engine);
      this.started = true;
      return loaded;
    };
    return dialectOf(this.ds) === 'postgres'
      ? this.ds.transaction('REPEATABLE READ', load)
      : this.ds.transaction(load);
  }
}

/** Whether a command failed because the engine lacks a process (version) — maybe deployed elsewhere. */
export function isProcessNotFound(err: unknown): boolean {
  if (err instanceof EngineCommandError) return err.code === 'PROCESS_NOT_FOUND';
  if (!(err instanceof HttpException)) return false;
  const body = err.getResponse();
  return typeof body === 'object' && (body as { code?: unknown }).code === 'PROCESS_NOT_FOUND';
}
