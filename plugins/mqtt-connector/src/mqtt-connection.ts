import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type {
  Connector,
  PluginLogger,
  Reading,
  ReadingQuality,
  ReadingSink,
} from '@safeflow/plugin-sdk';
import {
  connect,
  type IClientOptions,
  type IConnackPacket,
  type IPublishPacket,
  type MqttClient,
} from 'mqtt';
import type { ResolvedSettings } from './connection-settings.js';
import { MessagePayload, readingFromMessage } from './message-reading.js';
import { reconnectDelayMs } from './reconnect-backoff.js';
import { matchTopic, subscriptionFilters } from './topic-filter.js';
import type { TopicMapping } from './topic-mapping.js';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/** What one running connection has done, for the plugin's health and for tests. */
export interface ConnectionSummary {
  url: string;
  clientId: string;
  state: ConnectionState;
  detail: string;
  /** Messages received on subscribed topics. */
  messages: number;
  /** Readings pushed, by quality. */
  readings: Record<ReadingQuality, number>;
  /** QoS ≥ 1 redeliveries (DUP) of the message just handled on their topic: skipped. */
  duplicates: number;
  /** Messages on a topic no mapping matches (left over from an earlier configuration, say). */
  unmapped: number;
  /** Topic filters the broker refused (ACL); their tags get no readings. */
  refusedFilters: string[];
  /** Successful connections after the first. */
  reconnects: number;
}

/** What a connection needs of the plugin context. */
export interface ConnectionContext {
  logger: PluginLogger;
  now(): number;
}

/** A connection up at least this long counts as stable: the next drop starts the back-off anew. */
const STABLE_AFTER_MS = 10_000;
/** A connection the broker closes sooner than this without saying why was probably taken over. */
const TAKEN_OVER_WITHIN_MS = 2_000;
/** Topics whose last payload is remembered to recognise redeliveries. */
const MAX_REMEMBERED_TOPICS = 100_000;
/** Time limit of each step of stopping (unsubscribe, disconnect). */
const STOP_STEP_MS = 2_000;

/** 1, 10, 100 …: log the first of a repeated problem loudly, then ever more rarely. */
const isPowerOfTen = (n: number) => n >= 1 && Math.log10(n) % 1 === 0;

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Resolves with `work`, or rejects after `ms`, leaving no timer behind. */
async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One connection to one broker: subscribes to the mappings' topics, turns each message into
 * readings, reports its state to the sink, and reconnects with back-off after a drop. It owns its
 * reconnect timing (mqtt.js's own reconnect is off) so the wait grows while the broker stays away.
 */
export class MqttConnection implements Connector {
  private readonly client: MqttClient;
  private readonly filters: string[];
  private stopped = false;
  private state: ConnectionState = 'connecting';
  private detail: string;
  /** Failed attempts since the last stable connection. */
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connectedSince: number | undefined;
  private lastError: string | undefined;
  private subscribedOnce = false;
  /** Bumped on every connection, so late answers from an older one are ignored. */
  private generation = 0;
  private everConnected = false;
  /** Occurrences of each problem of each mapping, to log the first and then ever more rarely. */
  private readonly problemCounts = new Map<string, number>();
  /** Digest of the last QoS ≥ 1 payload per topic, to recognise a redelivery. */
  private readonly lastPayload = new Map<string, string>();
  private readonly stats = {
    messages: 0,
    readings: { good: 0, uncertain: 0, bad: 0 } as Record<ReadingQuality, number>,
    duplicates: 0,
    unmapped: 0,
    refusedFilters: [] as string[],
    reconnects: 0,
  };

  constructor(
    private readonly settings: ResolvedSettings,
    readonly clientId: string,
    private readonly sink: ReadingSink,
    private readonly ctx: ConnectionContext,
    private readonly onStopped: (c: MqttConnection) => void = () => undefined,
  ) {
    this.filters = subscriptionFilters(settings.mappings.map((m) => m.filter));
    this.detail = `connecting to ${settings.url} as ${clientId}`;
    this.report('connecting', this.detail);
    this.client = connect(this.clientOptions());
    this.client.on('connect', (connack) => this.onConnect(connack));
    this.client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet));
    this.client.on('error', (e) => {
      // The reason of the next `close`; mqtt.js closes the stream itself.
      this.lastError = errorText(e);
    });
    this.client.on('disconnect', (packet) => {
      this.lastError = `the broker disconnected the client (reason code ${packet.reasonCode ?? 0})`;
    });
    this.client.on('close', () => this.onClose());
  }

  private clientOptions(): IClientOptions {
    const s = this.settings;
    return {
      protocol: s.protocol,
      host: s.host,
      port: s.port,
      clientId: this.clientId,
      clean: !s.persistentSession,
      protocolVersion: s.protocolVersion,
      ...(s.protocolVersion === 5 && s.persistentSession
        ? { properties: { sessionExpiryInterval: s.sessionExpirySeconds } }
        : {}),
      keepalive: s.keepaliveSeconds,
      connectTimeout: s.connectTimeoutMs,
      // Reconnecting is ours (with back-off); so is subscribing again when the session is new.
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
      ...(s.username !== undefined ? { username: s.username } : {}),
      ...(s.password !== undefined ? { password: s.password } : {}),
      ...(s.tls.ca !== undefined ? { ca: s.tls.ca } : {}),
      ...(s.tls.servername !== undefined ? { servername: s.tls.servername } : {}),
      ...(s.protocol === 'mqtts' ? { rejectUnauthorized: s.tls.rejectUnauthorized ?? true } : {}),
    };
  }

  private report(state: ConnectionState, detail: string): void {
    this.state = state;
    this.detail = detail;
    try {
      this.sink.status(state, detail);
    } catch (e) {
      this.ctx.logger.error('the reading sink refused a status', { error: errorText(e) });
    }
  }

  private onConnect(connack: IConnackPacket): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.connectedSince = performance.now();
    this.lastError = undefined;
    if (this.everConnected) this.stats.reconnects++;
    this.everConnected = true;
    const resumed = this.settings.persistentSession && connack.sessionPresent;
    // A resumed session still has its subscriptions; subscribing again would make the broker
    // resend every retained message. The first connection subscribes anyway: the mappings may
    // have changed since the session was made.
    const subscribe = !this.subscribedOnce || !resumed;
    const session = resumed
      ? 'session resumed: messages queued while disconnected are delivered'
      : this.settings.persistentSession && this.subscribedOnce
        ? 'new session: the broker lost the old one, messages sent while disconnected are lost'
        : this.settings.persistentSession
          ? 'persistent session'
          : 'clean session';
    const base = `connected to ${this.settings.url} as ${this.clientId}; ${session}`;
    if (!subscribe) {
      this.connected(base);
      return;
    }
    void this.subscribeAll().then((outcome) => {
      if (this.stopped || generation !== this.generation || !this.client.connected) return;
      this.subscribedOnce = true;
      this.stats.refusedFilters = outcome.refused;
      const parts = [
        base,
        `subscribed to ${outcome.granted} of ${this.filters.length} topic filter(s)`,
      ];
      if (outcome.refused.length > 0) {
        parts.push(`refused by the broker: ${outcome.refused.join(', ')}`);
        this.ctx.logger.error('the broker refused subscriptions; their tags get no readings', {
          url: this.settings.url,
          refused: outcome.refused,
        });
      }
      if (outcome.downgraded.length > 0)
        parts.push(`granted a lower QoS for: ${outcome.downgraded.join(', ')}`);
      this.connected(parts.join('; '));
    });
  }

  private connected(detail: string): void {
    this.report('connected', detail);
    this.ctx.logger.info(detail, { url: this.settings.url, clientId: this.clientId });
  }

  /** Subscribes to each filter on its own, so one refused filter does not hide the others. */
  private async subscribeAll(): Promise<{
    granted: number;
    refused: string[];
    downgraded: string[];
  }> {
    const refused: string[] = [];
    const downgraded: string[] = [];
    let granted = 0;
    await Promise.all(
      this.filters.map(async (filter) => {
        try {
          const grants = await this.client.subscribeAsync(filter, { qos: this.settings.qos });
          const qos = grants[0]?.qos ?? 128;
          if (qos === 128) refused.push(filter);
          else {
            granted++;
            if (qos < this.settings.qos) downgraded.push(`${filter} (QoS ${qos})`);
          }
        } catch (e) {
          // A SUBACK refusal carries the broker's answer; a closed connection rejects here too,
          // and `close` reports that.
          if ((e as { packet?: unknown }).packet !== undefined) refused.push(filter);
          else this.ctx.logger.debug('subscribe did not complete', { filter, error: errorText(e) });
        }
      }),
    );
    return { granted, refused: refused.sort(), downgraded: downgraded.sort() };
  }

  private onClose(): void {
    if (this.stopped || this.reconnectTimer) return;
    const wasConnected = this.connectedSince !== undefined;
    const upFor = wasConnected ? performance.now() - this.connectedSince! : 0;
    this.connectedSince = undefined;
    this.generation++;
    if (wasConnected && upFor >= STABLE_AFTER_MS) this.failures = 0;
    this.failures++;
    const delay = reconnectDelayMs(
      this.failures,
      this.settings.reconnectPeriodMs,
      this.settings.maxReconnectPeriodMs,
    );
    let reason =
      this.lastError ?? (wasConnected ? 'the broker closed the connection' : 'connection closed');
    if (wasConnected && this.lastError === undefined && upFor < TAKEN_OVER_WITHIN_MS)
      reason += ' right after connecting (does another client use the same clientId?)';
    const what = wasConnected
      ? `connection to ${this.settings.url} lost`
      : `cannot connect to ${this.settings.url}`;
    const detail = `${what}: ${reason}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${this.failures})`;
    this.ctx.logger[wasConnected || this.failures === 1 ? 'warn' : 'debug'](detail, {
      url: this.settings.url,
      clientId: this.clientId,
    });
    this.lastError = undefined;
    this.report('disconnected', detail);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopped) this.client.reconnect();
    }, delay);
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (this.stopped) return;
    // Nothing may throw out of here: mqtt.js would take it as a protocol failure.
    try {
      if (this.isRedelivery(topic, payload, packet)) {
        this.stats.duplicates++;
        this.ctx.logger.debug('redelivered message skipped', { topic });
        return;
      }
      this.stats.messages++;
      const message = new MessagePayload(payload);
      const defaults = {
        source: this.settings.source,
        maxPayloadBytes: this.settings.maxPayloadBytes,
        receivedAt: this.ctx.now(),
      };
      let mapped = false;
      for (const mapping of this.settings.mappings) {
        const captured = matchTopic(mapping.filter, topic);
        if (!captured) continue;
        mapped = true;
        const { reading, problem } = readingFromMessage(
          mapping,
          topic,
          captured,
          message,
          defaults,
        );
        if (problem) this.noteProblem(mapping, topic, reading, problem);
        this.push(reading);
      }
      if (!mapped) {
        this.stats.unmapped++;
        if (isPowerOfTen(this.stats.unmapped))
          this.ctx.logger.warn('message on a topic no mapping matches; ignored', {
            topic,
            occurrences: this.stats.unmapped,
          });
      }
    } catch (e) {
      this.ctx.logger.error('message handling failed', { topic, error: errorText(e) });
    }
  }

  /**
   * QoS 1 is "at least once": when the link drops between our reading and the broker getting the
   * PUBACK, the broker sends the message again (flagged DUP) after the reconnect. Pushing it twice
   * would count one gas alarm as two. A DUP message whose payload equals the last one on its topic
   * is that redelivery; skipping it loses nothing even when it is not (the value is the same).
   */
  private isRedelivery(topic: string, payload: Buffer, packet: IPublishPacket): boolean {
    if (packet.qos === 0) return false;
    const digest = createHash('sha256').update(payload).digest('base64');
    const repeated = packet.dup && this.lastPayload.get(topic) === digest;
    // Bounded for a `#` subscription over ever new topics; forgetting only risks a duplicate.
    if (this.lastPayload.size >= MAX_REMEMBERED_TOPICS) this.lastPayload.clear();
    this.lastPayload.set(topic, digest);
    return repeated;
  }

  private push(reading: Reading): void {
    this.stats.readings[reading.quality]++;
    try {
      this.sink.push(reading);
    } catch (e) {
      this.ctx.logger.error('the reading sink refused a reading', {
        tag: reading.tag,
        error: errorText(e),
      });
    }
  }

  /** A reading made `bad` or `uncertain` by its payload: logged, rarer as it repeats. */
  private noteProblem(mapping: TopicMapping, topic: string, reading: Reading, problem: string) {
    // By kind of problem: sizes and counts in the text would make every message a new kind.
    const key = `${mapping.index}\u0000${problem.replace(/\d+/g, '#')}`;
    const count = (this.problemCounts.get(key) ?? 0) + 1;
    this.problemCounts.set(key, count);
    if (!isPowerOfTen(count)) return;
    this.ctx.logger.warn(`${problem}; pushed as a ${reading.quality} reading`, {
      topic,
      tag: reading.tag,
      mapping: mapping.index,
      quality: reading.quality,
      occurrences: count,
    });
  }

  summary(): ConnectionSummary {
    return {
      url: this.settings.url,
      clientId: this.clientId,
      state: this.state,
      detail: this.detail,
      messages: this.stats.messages,
      duplicates: this.stats.duplicates,
      readings: { ...this.stats.readings },
      unmapped: this.stats.unmapped,
      refusedFilters: [...this.stats.refusedFilters],
      reconnects: this.stats.reconnects,
    };
  }

  /**
   * Unsubscribes (so the broker stops queueing for a session nobody will resume — a connection
   * removed from the configuration would otherwise hoard messages on the broker), disconnects,
   * and leaves no timer or socket behind. Safe to call twice.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.onStopped(this);
    this.lastPayload.clear();
    const client = this.client;
    if (client.connected && this.subscribedOnce) {
      try {
        await within(client.unsubscribeAsync(this.filters), STOP_STEP_MS, 'unsubscribe');
      } catch (e) {
        this.ctx.logger.warn('unsubscribe at stop failed', { error: errorText(e) });
      }
    }
    try {
      await within(client.endAsync(!client.connected), STOP_STEP_MS, 'disconnect');
    } catch (e) {
      this.ctx.logger.warn('disconnect at stop failed; closing the socket', {
        error: errorText(e),
      });
      client.stream?.destroy();
    }
    this.ctx.logger.info(`disconnected from ${this.settings.url}`, { clientId: this.clientId });
  }
}
