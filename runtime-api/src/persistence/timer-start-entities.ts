import { EntitySchema } from 'typeorm';
import { asNumber } from './as-number.js';

/**
 * A timer start event of the latest version of a process (e.g. a daily fire-extinguisher round),
 * kept durable so a restart neither re-fires a one-off date nor restarts a cycle from zero.
 * `state` 'spent' rows stay while their version is the latest: they tell the engine not to
 * schedule the start again after a restart.
 */
export interface TimerStartRow {
  /** `processKey:eventId`, the engine's id for it. */
  id: string;
  processId: string;
  processKey: string;
  eventId: string;
  state: 'scheduled' | 'spent';
  dueAt: number | null;
  /** A cycle: repetitions left (`remaining` null = unbounded); not a cycle: `cycle` false. */
  cycle: boolean;
  remaining: number | null;
  lockOwner: string | null;
  lockUntil: number | null;
}

export const TimerStartEntity = new EntitySchema<TimerStartRow>({
  name: 'TimerStart',
  tableName: 'timer_start',
  columns: {
    id: { type: 'varchar', length: 600, primary: true },
    processId: { name: 'process_id', type: 'varchar', length: 256 },
    processKey: { name: 'process_key', type: 'varchar', length: 300 },
    eventId: { name: 'event_id', type: 'varchar', length: 256 },
    state: { type: 'varchar', length: 16 },
    dueAt: { name: 'due_at', type: 'bigint', nullable: true, transformer: asNumber },
    cycle: { type: 'boolean' },
    remaining: { type: 'integer', nullable: true },
    lockOwner: { name: 'lock_owner', type: 'varchar', length: 128, nullable: true },
    lockUntil: { name: 'lock_until', type: 'bigint', nullable: true, transformer: asNumber },
  },
});
