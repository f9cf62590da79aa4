import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { EngineHost } from '../engine-host/engine-host.js';
import { DATA_SOURCE } from '../tokens.js';

/**
 * Writes of the identity tables (users, keys, groups, sites, failed logins) as one transaction.
 * On sqlite there is one connection, and a statement issued while an engine command's transaction
 * is open would join it (and be rolled back with it on a 409), so these writes take their turn in
 * the engine host's single-writer queue; on PostgreSQL that queue is a pass-through.
 */
@Injectable()
export class IdentityWrites {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(EngineHost) private readonly host: EngineHost,
  ) {}

  run<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.host.serialize(() => this.ds.transaction(fn));
  }
}
