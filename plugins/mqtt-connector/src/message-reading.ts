import type { Reading, ReadingQuality } from '@safeflow/plugin-sdk';
import { deviceQuality, worseQuality } from './device-quality.js';
import { deviceTimestamp } from './device-timestamp.js';
import { readPayloadPath } from './payload-path.js';
import { fillTemplate, type TopicMapping } from './topic-mapping.js';

/** Longest payload text kept as the value of a `bad` reading, for diagnosis. */
export const BAD_VALUE_MAX_CHARS = 200;

/**
 * One message's payload, decoded and parsed at most once however many mappings read it.
 * `json()` is undefined when the payload is not JSON.
 */
export class MessagePayload {
  private parsed?: { value: unknown } | null;
  readonly text: string;

  constructor(readonly bytes: Buffer) {
    this.text = bytes.toString('utf8');
  }

  json(): { value: unknown } | undefined {
    if (this.parsed === undefined) {
      try {
        this.parsed = { value: JSON.parse(this.text) as unknown };
      } catch {
        this.parsed = null;
      }
    }
    return this.parsed ?? undefined;
  }
}

/** A reading made from a message, and what was wrong with the message when its quality is not good. */
export interface MessageReading {
  reading: Reading;
  /** Why the reading is `bad` or `uncertain` (for the log); undefined when it is good. */
  problem?: string;
}

export interface ReadingDefaults {
  /** The connection's source, used when the mapping names none. */
  source: string;
  maxPayloadBytes: number;
  /** Receive time (the runtime's clock). */
  receivedAt: number;
}

type Scalar = number | string | boolean;

/** `value` as `type`, or a reason why it cannot be. */
function convert(value: unknown, type: TopicMapping['valueType']): Scalar | { problem: string } {
  if (value === null || value === undefined) return { problem: 'has no value' };
  if (typeof value === 'object')
    return { problem: `has ${Array.isArray(value) ? 'an array' : 'an object'} as value` };
  if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean')
    return { problem: 'has a value that is not a number, text or boolean' };
  switch (type) {
    case undefined:
      return value;
    case 'string':
      return String(value);
    case 'number': {
      if (typeof value === 'number') return value;
      const text = String(value).trim();
      if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
      return { problem: 'has a value that is not a number' };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const text = String(value).trim().toLowerCase();
      if (['true', '1', 'on', 'yes'].includes(text)) return true;
      if (['false', '0', 'off', 'no'].includes(text)) return false;
      return { problem: 'has a value that is not a boolean' };
    }
  }
}

/**
 * The value of a payload without `valuePath`: a JSON scalar (`12.5`, `true`, `"open"`), else the
 * text itself (`ON`). A JSON object or array is returned as it is, for `convert` to refuse.
 */
function rawValue(payload: MessagePayload, type: TopicMapping['valueType']): unknown {
  const text = payload.text.trim();
  if (type === 'string') return text;
  const json = payload.json();
  return json ? json.value : text;
}

/**
 * Turns one message into one reading for one mapping. Never throws and never drops the message:
 * a payload that cannot be read still gives a reading, with quality `bad` and the payload text as
 * its value — so the tag's last good value does not stand in for a sensor that is now sending
 * garbage. `uncertain` when the value is fine but the device's time or quality is missing or
 * unreadable.
 */
export function readingFromMessage(
  mapping: TopicMapping,
  topic: string,
  captured: readonly string[],
  payload: MessagePayload,
  defaults: ReadingDefaults,
): MessageReading {
  const tag = fillTemplate(mapping.tag, topic, captured);
  const source =
    mapping.source === undefined ? defaults.source : fillTemplate(mapping.source, topic, captured);
  const bad = (problem: string): MessageReading => ({
    reading: {
      source,
      tag,
      value: payload.text.slice(0, BAD_VALUE_MAX_CHARS),
      ...(mapping.unit !== undefined ? { unit: mapping.unit } : {}),
      quality: 'bad',
      timestamp: defaults.receivedAt,
    },
    problem,
  });

  if (payload.bytes.length > defaults.maxPayloadBytes)
    return bad(`payload of ${payload.bytes.length} bytes is over maxPayloadBytes`);
  if (payload.bytes.length === 0) return bad('payload is empty');

  let data: unknown;
  let rawFound: unknown;
  if (mapping.valuePath) {
    const json = payload.json();
    if (!json) return bad('payload is not JSON');
    data = json.value;
    rawFound = readPayloadPath(data, mapping.valuePath);
  } else {
    rawFound = rawValue(payload, mapping.valueType);
  }
  const value = convert(rawFound, mapping.valueType);
  if (typeof value === 'object') {
    return bad(`payload ${value.problem}${mapping.valuePath ? ' at valuePath' : ''}`);
  }

  const problems: string[] = [];
  let quality: ReadingQuality = 'good';

  let timestamp = defaults.receivedAt;
  if (mapping.timestampPath) {
    const raw = readPayloadPath(data, mapping.timestampPath);
    const at = deviceTimestamp(raw);
    if (at === undefined) {
      quality = worseQuality(quality, 'uncertain');
      problems.push(raw === undefined ? 'no timestamp' : 'an unreadable timestamp');
    } else {
      timestamp = at;
    }
  }

  if (mapping.qualityPath) {
    const raw = readPayloadPath(data, mapping.qualityPath);
    if (raw === undefined || raw === null) {
      quality = worseQuality(quality, 'uncertain');
      problems.push('no quality');
    } else {
      const q = deviceQuality(raw, mapping.qualityMap);
      if (q === undefined) problems.push('an unknown quality code');
      quality = worseQuality(quality, q ?? 'bad');
    }
  }

  let unit = mapping.unit;
  if (mapping.unitPath) {
    const raw = readPayloadPath(data, mapping.unitPath);
    if (typeof raw === 'string' && raw.trim() !== '') unit = raw;
  }

  return {
    reading: {
      source,
      tag,
      value,
      ...(unit !== undefined ? { unit } : {}),
      quality,
      timestamp,
    },
    ...(problems.length > 0 ? { problem: `payload has ${problems.join(' and ')}` } : {}),
  };
}
