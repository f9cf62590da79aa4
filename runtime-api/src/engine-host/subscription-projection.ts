import type { EngineEvent, InstanceState } from '@safeflow/engine';
import type { EntityManager } from 'typeorm';
import { touchedIds } from './touched-ids.js';
import { SubscriptionEntity } from '../persistence/entities.js';

/**
 * Keeps the `subscription` table in step with one instance's subscription.opened/closed events,
 * inside the command's transaction, so messages and signals find instances waiting in the database.
 */
export async function projectSubscriptions(
  m: EntityManager,
  instanceId: string,
  events: EngineEvent[],
  state: InstanceState,
): Promise<void> {
  const touched = touchedIds(events, 'subscription');
  const repo = m.getRepository(SubscriptionEntity);
  for (const subscriptionId of touched) {
    const s = state.subscriptions[subscriptionId];
    await repo.delete({ instanceId, subscriptionId });
    if (s)
      await repo.insert({
        instanceId,
        subscriptionId,
        channel: s.channel,
        name: s.name,
        correlationKey: s.correlationKey ?? null,
        elementId: s.targetId,
      });
  }
}
