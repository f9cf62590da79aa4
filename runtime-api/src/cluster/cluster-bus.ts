import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { RuntimeConfig } from '../config.js';
import { dialectOf } from '../persistence/data-source.js';
import { CONFIG, DATA_SOURCE, LOGGER } from '../tokens.js';

/** One notice between replicas: who sent it, what it is about (`commit`, `deployment`, `plugin-config:<name>`). */
export interface ClusterNotice {
  /** The replica that sent it. */
  origin: string;
  kind: string;
  /** Commits: `[instanceId, firstSeq, lastSeq]` per instance (left out when too many to fit). */
  instances?: Array<[string, number, number]>;
}

export type NoticeListener = (notice: ClusterNotice, own: boolean) => void;

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; stay well below. */
const MAX_PAYLOAD_BYTES = 7000;
/** PostgreSQL identifiers (channel names) are at most 63 bytes. */
const MAX_CHANNEL = 63;
const RECONNECT_MIN_MS = 50;
const RECONNECT_MAX_MS = 5000;

/** The channel of one SafeFlow schema: replicas of other schemas in the database never hear it. */
export function channelOf(schema: string | undefined): string {
  return `safeflow_${schema ?? 'public'}`.slice(0, MAX_CHANNEL);
}

/**
 * Notices between the replicas of one database (PostgreSQL LISTEN/NOTIFY on a channel per schema),
 * over a connection of its own that is re-opened when it drops — listeners are told (`onReconnect`)
 * so they can catch up on what they missed, since NOTIFY is not delivered to a closed session.
 * On sqlite there is one process: nothing is sent and nothing heard.
 */
@Injectable()
export class ClusterBus implements OnModuleInit, OnApplicationShutdown {
  /** This process, as named in the notices it sends. */
  readonly replicaId = randomUUID();
  readonly enabled: boolean;
  private readonly channel: string;
  private readonly listeners = new Set<NoticeListener>();
  private readonly reconnectListeners = new Set<() => void>();
  private client: pg.Client | undefined;
  private pid: number | undefined;
  private closing = false;
  private retryMs = RECONNECT_MIN_MS;
  private retry: NodeJS.Timeout | undefined;
  private started: Promise<void> | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.enabled = dialectOf(ds) === 'postgres' && !!config.databaseUrl;
    this.channel = channelOf(config.databaseSchema);
  }

  onModuleInit(): Promise<void> {
    return this.start();
  }

  /** Opens the listening connection (once; later calls wait for the first). */
  start(): Promise<void> {
    this.started ??= this.enabled ? this.connect() : Promise.resolve();
    return this.started;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    this.pid = undefined;
    await c?.end().catch(() => undefined);
  }

  subscribe(listener: NoticeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after the listening connection was re-opened (not on the first connect). */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** The listening session's backend pid (operators' tools and tests); undefined while down. */
  listenerPid(): number | undefined {
    return this.pid;
  }

  /** Sends a notice to every replica (this one included). A no-op on sqlite. */
  async notify(kind: string, instances?: Array<[string, number, number]>): Promise<void> {
    if (!this.enabled) return;
    let payload = JSON.stringify({ origin: this.replicaId, kind, instances });
    // Receivers read what changed from the database anyway; the list only says where to look.
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES)
      payload = JSON.stringify({ origin: this.replicaId, kind });
    await this.ds.query('SELECT pg_notify($1, $2)', [this.channel, payload]);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    client.on('error', (err) => this.dropped(client, err));
    client.on('end', () => this.dropped(client));
    client.on('notification', (n) => {
      if (n.channel === this.channel && n.payload) this.heard(n.payload);
    });
    let res: pg.QueryResult<{ pid: number }>;
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      res = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    this.client = client;
    this.pid = res.rows[0]?.pid;
    this.retryMs = RECONNECT_MIN_MS;
  }

  private heard(payload: string): void {
    let notice: ClusterNotice;
    try {
      notice = JSON.parse(payload) as ClusterNotice;
    } catch {
      this.logger.warn('cluster notice that is not JSON ignored');
      return;
    }
    if (typeof notice?.origin !== 'string' || typeof notice.kind !== 'string') return;
    const own = notice.origin === this.replicaId;
    for (const l of this.listeners) {
      try {
        l(notice, own);
      } catch (err) {
        this.logger.error({ err, kind: notice.kind }, 'a cluster notice listener failed');
      }
    }
  }

  private dropped(client: pg.Client, err?: Error): void {
    if (this.client !== client || this.closing) return;
    this.client = undefined;
    this.pid = undefined;
    this.logger.warn({ err }, 'cluster listening connection lost; reconnecting');
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closing) return;
    this.retry = setTimeout(() => {
      this.connect().then(
        () => {
          this.logger.info({ channel: this.channel }, 'cluster listening connection restored');
          for (const l of this.reconnectListeners) l();
        },
        (err: unknown) => {
          this.logger.warn({ err }, 'cluster listening connection could not be re-opened');
          this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
          this.scheduleReconnect();
        },
      );
    }, this.retryMs);
    this.retry.unref();
  }
}
