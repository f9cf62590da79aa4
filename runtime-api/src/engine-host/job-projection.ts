import type { EngineEvent, InstanceState } from '@safeflow/engine';
import type { EntityManager } from 'typeorm';
import { JobEntity } from '../persistence/entities.js';

const JOB_EVENTS = new Set([
  'job.created',
  'job.failed',
  'job.retries-updated',
  'job.completed',
  'job.cancelled',
]);

/**
 * Keeps the `job` table in step with one instance's job.* events, inside the command's transaction:
 * a created job is inserted, a failed or re-tried one updated (its lease dropped, its back-off set),
 * a completed or cancelled one deleted. Values come from the state after the events.
 */
export async function projectJobs(
  m: EntityManager,
  instanceId: string,
  events: EngineEvent[],
  state: InstanceState,
): Promise<void> {
  const touched = new Map<string, number>();
  for (const e of events) {
    if (!JOB_EVENTS.has(e.type)) continue;
    const p = (e.payload ?? {}) as { jobKey?: string; job?: { key?: string } };
    const key = p.jobKey ?? p.job?.key;
    if (key) touched.set(key, (touched.get(key) ?? 0) + (e.type === 'job.failed' ? 1 : 0));
  }
  if (touched.size === 0) return;
  const repo = m.getRepository(JobEntity);
  for (const [key, failures] of touched) {
    const job = state.jobs[key];
    if (!job) {
      await repo.delete({ jobKey: key });
      continue;
    }
    const fields = {
      retries: job.retries,
      notBefore: job.notBefore ?? null,
      errorMessage: job.errorMessage ?? null,
      lockOwner: null,
      lockUntil: null,
    };
    const res = await repo.update(
      { jobKey: key },
      failures > 0 ? { ...fields, attempts: () => `attempts + ${failures}` } : fields,
    );
    if (!res.affected) {
      await repo.insert({
        jobKey: key,
        attempts: failures,
        instanceId,
        type: job.type,
        elementId: job.elementId,
        createdAt: job.createdAt,
        ...fields,
      });
    }
  }
}
