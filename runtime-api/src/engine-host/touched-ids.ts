import type { EngineEvent } from '@safeflow/engine';

/**
 * Ids of the timers or subscriptions a command's events touched (`timer.*` carry `timerId` or
 * `timer.id`, `subscription.*` carry `subscriptionId` or `subscription.id`): the projections
 * rewrite just those rows from the state after the command.
 */
export function touchedIds(events: EngineEvent[], kind: 'timer' | 'subscription'): Set<string> {
  const touched = new Set<string>();
  const prefix = `${kind}.`;
  for (const e of events) {
    if (!e.type.startsWith(prefix)) continue;
    const p = (e.payload ?? {}) as Record<string, { id?: string } | string | undefined>;
    const direct = p[`${kind}Id`];
    const nested = p[kind];
    const id =
      typeof direct === 'string' ? direct : typeof nested === 'object' ? nested.id : undefined;
    if (id) touched.add(id);
  }
  return touched;
}
