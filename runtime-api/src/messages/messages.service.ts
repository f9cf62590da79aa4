import { Inject, Injectable } from '@nestjs/common';
import type { EngineEvent } from '@safeflow/engine';
import { IsNull, type DataSource } from 'typeorm';
import { EngineHost } from '../engine-host/engine-host.js';
import { SubscriptionEntity } from '../persistence/entities.js';
import { DATA_SOURCE } from '../tokens.js';

/**
 * Messages and signals. The instances that wait are found in the `subscription` table (and among
 * those held in memory), loaded, and the engine correlates; message and signal start events start
 * new instances.
 */
@Injectable()
export class MessagesService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(EngineHost) private readonly host: EngineHost,
  ) {}

  private async waiting(
    channel: 'message' | 'signal',
    name: string,
    correlationKey?: string,
  ): Promise<string[]> {
    const rows = await this.ds.getRepository(SubscriptionEntity).find({
      select: { instanceId: true },
      where: {
        channel,
        name,
        ...(channel === 'message' ? { correlationKey: correlationKey ?? IsNull() } : {}),
      },
    });
    return this.host.existing([...new Set(rows.map((r) => r.instanceId))]);
  }

  /** Correlates a message: once per process (its oldest waiting instance), and message starts. */
  async correlate(
    message: { name: string; correlationKey?: string; variables?: Record<string, unknown> },
    actor: string,
  ): Promise<{ correlated: number }> {
    const ids = await this.waiting('message', message.name, message.correlationKey);
    let correlated = 0;
    await this.host.execute(ids, actor, (engine) => {
      const r = engine.correlateMessage(message);
      if (r.ok) correlated = r.correlated;
      return r;
    });
    return { correlated };
  }

  /** Broadcasts a signal to every waiting catch and signal start; answers how many instances it reached. */
  async broadcast(
    signal: { name: string; variables?: Record<string, unknown> },
    actor: string,
  ): Promise<{ delivered: number }> {
    const ids = await this.waiting('signal', signal.name);
    const outcome = await this.host.execute(ids, actor, (engine) =>
      engine.broadcastSignal(signal.name, signal.variables),
    );
    return { delivered: reached(outcome.ok ? outcome.events : [], new Set(ids)) };
  }
}

/** Instances the events belong to: those loaded, and those the command created. */
function reached(events: EngineEvent[], loaded: Set<string>): number {
  const first = new Map<string, number>();
  for (const e of events) if (!first.has(e.instanceId)) first.set(e.instanceId, e.seq);
  return [...first].filter(([id, seq]) => loaded.has(id) || seq === 1).length;
}
