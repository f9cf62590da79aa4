import type { Engine, TimerStartView } from '@safeflow/engine';
import type { EntityManager } from 'typeorm';
import { TimerStartEntity, type TimerStartRow } from '../persistence/timer-start-entities.js';

function fields(t: TimerStartView) {
  return {
    processId: t.processId,
    processKey: t.processKey,
    eventId: t.eventId,
    state: 'scheduled' as const,
    dueAt: t.dueAt,
    cycle: t.remaining !== undefined,
    remaining: t.remaining ?? null,
  };
}

/** The schedule a row holds, in the engine's terms (`null`: spent). */
export function savedSchedule(
  row: TimerStartRow,
): { dueAt: number; remaining?: number | null } | null {
  if (row.state === 'spent' || row.dueAt === null) return null;
  return { dueAt: row.dueAt, ...(row.cycle ? { remaining: row.remaining } : {}) };
}

/**
 * Brings the engine's timer start schedule and the `timer_start` table together after deployments
 * were (re)loaded: a stored row wins over the schedule the engine made at deploy time (so a restart
 * keeps the original due time and the cycle count), rows of versions that a newer version replaced
 * are deleted, and timer starts new to the table are stored.
 */
export async function reconcileTimerStarts(m: EntityManager, engine: Engine): Promise<void> {
  const repo = m.getRepository(TimerStartEntity);
  const rows = await repo.find();
  const latest = new Map<string, { key: string; version: number }>();
  for (const p of engine.listProcesses()) {
    const seen = latest.get(p.id);
    if (!seen || p.version > seen.version) latest.set(p.id, p);
  }
  const known = new Set<string>();
  for (const row of rows) {
    if (latest.get(row.processId)?.key !== row.processKey) {
      await repo.delete({ id: row.id });
      continue;
    }
    // A spent row is not in the engine's schedule after a deploy, only after a restart: either way
    // the row stays and the engine is told.
    engine.restoreTimerStart(row.id, savedSchedule(row));
    known.add(row.id);
  }
  for (const t of engine.timerStarts()) {
    if (!known.has(t.id))
      await repo.insert({ id: t.id, ...fields(t), lockOwner: null, lockUntil: null });
  }
}

/** After a timer start fired: its next due time, or spent. Clears the lease. */
export async function recordTimerStartFired(
  m: EntityManager,
  engine: Engine,
  id: string,
): Promise<void> {
  const next = engine.timerStarts().find((t) => t.id === id);
  await m
    .getRepository(TimerStartEntity)
    .update(
      { id },
      next
        ? { ...fields(next), lockOwner: null, lockUntil: null }
        : { state: 'spent', dueAt: null, lockOwner: null, lockUntil: null },
    );
}
