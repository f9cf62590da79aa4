import type { EngineEvent, InstanceState } from '@safeflow/engine';
import type { EntityManager } from 'typeorm';
import { TimerEntity } from '../persistence/entities.js';

/**
 * Keeps the `timer` table in step with one instance's timer.* events, inside the command's
 * transaction: scheduled → inserted, fired → rescheduled (cycles) or deleted, cancelled → deleted.
 * Values come from the state after the events; a touched timer loses its lease.
 */
export async function projectTimers(
  m: EntityManager,
  instanceId: string,
  events: EngineEvent[],
  state: InstanceState,
): Promise<void> {
  const touched = new Set<string>();
  for (const e of events) {
    if (!e.type.startsWith('timer.')) continue;
    const p = (e.payload ?? {}) as { timerId?: string; timer?: { id?: string } };
    const id = p.timerId ?? p.timer?.id;
    if (id) touched.add(id);
  }
  if (touched.size === 0) return;
  const repo = m.getRepository(TimerEntity);
  for (const timerId of touched) {
    const t = state.timers[timerId];
    if (!t) {
      await repo.delete({ instanceId, timerId });
      continue;
    }
    const fields = { dueAt: t.dueAt, elementId: t.targetId, lockOwner: null, lockUntil: null };
    const res = await repo.update({ instanceId, timerId }, fields);
    if (!res.affected) await repo.insert({ instanceId, timerId, ...fields });
  }
}
