import { Inject, Injectable } from '@nestjs/common';
import type { Reading, ReadingQuality } from '@safeflow/plugin-sdk';
import type { Logger } from 'pino';
import { Subject } from 'rxjs';
import type { Clock } from '../common/clock.js';
import { CLOCK, LOGGER } from '../tokens.js';

/** A reading as the runtime keeps it: stamped with its connection and when it arrived. */
export interface ReceivedReading extends Reading {
  receivedAt: number;
}

/** Where one connection's readings go; closed when the connection stops. */
export interface ConnectionSink {
  push(reading: Reading): void;
  status(state: 'connecting' | 'connected' | 'disconnected', detail?: string): void;
  close(): void;
  /** Readings refused as malformed so far. */
  readonly dropped: number;
}

const QUALITIES: readonly ReadingQuality[] = ['good', 'uncertain', 'bad'];
/** Plenty for a plant; bounds memory if a connector maps every message to a new tag. */
const MAX_TAGS = 100_000;

/** Why a reading is refused; undefined when it is fine. */
function problemOf(r: Partial<Reading> | null | undefined): string | undefined {
  if (typeof r !== 'object' || r === null) return 'not an object';
  if (typeof r.tag !== 'string' || r.tag === '' || r.tag.length > 256)
    return 'tag must be a non-empty string (at most 256 characters)';
  const v = r.value;
  const valueOk =
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    (typeof v === 'number' && Number.isFinite(v));
  if (!valueOk) return `${r.tag}: value must be a finite number, a string or a boolean`;
  if (!QUALITIES.includes(r.quality as ReadingQuality))
    return `${r.tag}: quality must be good, uncertain or bad`;
  if (r.unit !== undefined && typeof r.unit !== 'string') return `${r.tag}: unit must be a string`;
  return undefined;
}

/**
 * The latest reading of every tag, in memory, from every running connector, and a stream of them
 * for live use (alarms, dashboards). A later issue persists readings; this keeps only what the
 * plant says now.
 */
@Injectable()
export class ReadingsService {
  private readonly latest = new Map<string, ReceivedReading>();
  /** Every accepted reading, as it arrives. */
  readonly readings$ = new Subject<ReceivedReading>();

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * A sink for one connection. `source` is stamped on every reading by the runtime (a connector
   * cannot pass its readings off as another connection's); a reading pushed after `close()` (a
   * connector that keeps going after it was stopped) is ignored.
   */
  sinkFor(
    source: string,
    onStatus: (state: 'connecting' | 'connected' | 'disconnected', detail?: string) => void,
  ): ConnectionSink {
    let open = true;
    let dropped = 0;
    return {
      push: (reading) => {
        if (!open) return;
        const problem = problemOf(reading);
        if (problem) {
          dropped++;
          // The first one loudly, then quietly: a misconfigured mapping would flood the log.
          this.logger[dropped === 1 ? 'warn' : 'debug'](
            { source, dropped },
            `reading refused: ${problem}`,
          );
          return;
        }
        this.accept(source, reading);
      },
      status: (state, detail) => {
        if (open) onStatus(state, detail);
      },
      close: () => {
        open = false;
      },
      get dropped() {
        return dropped;
      },
    };
  }

  private accept(source: string, r: Reading): void {
    if (!this.latest.has(r.tag) && this.latest.size >= MAX_TAGS) {
      this.logger.warn({ source, tag: r.tag }, `reading refused: more than ${MAX_TAGS} tags`);
      return;
    }
    const now = this.clock.now();
    const reading: ReceivedReading = {
      source,
      tag: r.tag,
      value: r.value,
      ...(r.unit !== undefined ? { unit: r.unit } : {}),
      quality: r.quality,
      timestamp:
        typeof r.timestamp === 'number' && Number.isFinite(r.timestamp) ? r.timestamp : now,
      receivedAt: now,
    };
    this.latest.set(r.tag, reading);
    this.readings$.next(reading);
  }

  /** The latest reading of each of `tags` that has one; every tag's when `tags` is empty. */
  list(tags: readonly string[] = []): ReceivedReading[] {
    if (tags.length === 0)
      return [...this.latest.values()].sort((a, b) => a.tag.localeCompare(b.tag));
    return tags.flatMap((t) => {
      const r = this.latest.get(t);
      return r ? [r] : [];
    });
  }
}
