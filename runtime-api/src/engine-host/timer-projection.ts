import type { EngineEvent, InstanceState } from '@safeflow/engine';
import type { EntityManager } from 'typeorm';
import { touchedIds } from './touched-ids.js';
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
  const touched = touchedIds(events, 'timer');
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
