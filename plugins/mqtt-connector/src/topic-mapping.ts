import type { ReadingQuality } from '@safeflow/plugin-sdk';
import { parsePayloadPath, type PayloadPath } from './payload-path.js';
import { matchTopic, parseTopicFilter, type TopicFilter } from './topic-filter.js';

/** How the messages of one topic filter become readings (one entry of `settings.mappings`). */
export interface TopicMappingSettings {
  /** MQTT topic filter; `+` (one level) and `#` (the rest) allowed: `plant/+/gas/+`. */
  topic: string;
  /**
   * SafeFlow's tag; `{1}`, `{2}` … are what the filter's wildcards matched, in order, and
   * `{topic}` the whole topic: `plant/+/gas/+` with `{1}.{2}` turns `plant/unit3/gas/h2s` into
   * `unit3.h2s`.
   */
  tag: string;
  /** Where the value is in a JSON payload (`value`, `data.ppm`); without it the payload is the value. */
  valuePath?: string;
  /** Convert the value: numeric text to a number, `1`/`"on"`/`"true"` to true… (else kept as sent). */
  valueType?: 'number' | 'boolean' | 'string';
  /** Unit of the value (`ppm`, `%LEL`); the fallback when `unitPath` finds nothing. */
  unit?: string;
  /** Where the unit is in a JSON payload. */
  unitPath?: string;
  /** Where the device's measurement time is (ISO 8601 with offset, epoch s or ms); else receive time. */
  timestampPath?: string;
  /** Where the device's quality indicator is; else the reading is `good` when its value parses. */
  qualityPath?: string;
  /** Device-specific quality codes: `{"OK": "good", "CAL": "uncertain", "FAULT": "bad"}`. */
  qualityMap?: Record<string, ReadingQuality>;
  /** The reading's `source` (placeholders allowed, e.g. `gateway:{1}`); default the connection's. */
  source?: string;
}

/** A mapping checked and ready to apply to messages. */
export interface TopicMapping {
  readonly index: number;
  readonly filter: TopicFilter;
  readonly tag: string;
  readonly valuePath?: PayloadPath;
  readonly valueType?: 'number' | 'boolean' | 'string';
  readonly unit?: string;
  readonly unitPath?: PayloadPath;
  readonly timestampPath?: PayloadPath;
  readonly qualityPath?: PayloadPath;
  readonly qualityMap?: Readonly<Record<string, ReadingQuality>>;
  readonly source?: string;
}

const MAPPING_FIELDS = new Set([
  'topic',
  'tag',
  'valuePath',
  'valueType',
  'unit',
  'unitPath',
  'timestampPath',
  'qualityPath',
  'qualityMap',
  'source',
]);
const VALUE_TYPES = new Set(['number', 'boolean', 'string']);
const QUALITIES = new Set(['good', 'uncertain', 'bad']);
const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Checks the `{…}` placeholders of a template against the filter's wildcards. */
function templateProblem(template: string, filter: TopicFilter): string | undefined {
  for (const [, name = ''] of template.matchAll(PLACEHOLDER)) {
    if (name === 'topic') continue;
    if (!/^[1-9]\d*$/.test(name))
      return `has an unknown placeholder {${name}} (use {1}, {2} … or {topic})`;
    if (Number(name) > filter.wildcards)
      return `uses {${name}} but topic '${filter.text}' has ${filter.wildcards} wildcard(s)`;
  }
  const rest = template.replace(PLACEHOLDER, '');
  if (rest.includes('{') || rest.includes('}')) return 'has an unclosed { or }';
  return undefined;
}

/** Fills a checked template with what the wildcards matched. */
export function fillTemplate(template: string, topic: string, captured: readonly string[]): string {
  return template.replace(PLACEHOLDER, (_, name: string) =>
    name === 'topic' ? topic : (captured[Number(name) - 1] ?? ''),
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks `settings.mappings[index]` and compiles it; throws naming the field (`mappings[2].tag …`)
 * so the connection fails at start with a reason instead of producing wrong tags.
 */
export function compileMapping(raw: unknown, index: number): TopicMapping {
  const at = `mappings[${index}]`;
  if (!isObject(raw)) throw new Error(`${at} must be an object`);
  for (const key of Object.keys(raw))
    if (!MAPPING_FIELDS.has(key)) throw new Error(`${at}.${key} is not a mapping field`);
  const text = (field: string, required = false): string | undefined => {
    const v = raw[field];
    if (v === undefined) {
      if (required) throw new Error(`${at}.${field} is required`);
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '')
      throw new Error(`${at}.${field} must be a non-empty string`);
    return v;
  };
  const path = (field: string): PayloadPath | undefined => {
    const v = text(field);
    if (v === undefined) return undefined;
    try {
      return parsePayloadPath(v);
    } catch (e) {
      throw new Error(`${at}.${field} '${v}' ${(e as Error).message}`);
    }
  };

  const topic = text('topic', true)!;
  let filter: TopicFilter;
  try {
    filter = parseTopicFilter(topic);
  } catch (e) {
    throw new Error(`${at}.topic: ${(e as Error).message}`);
  }

  const tag = text('tag', true)!;
  const tagProblem = templateProblem(tag, filter);
  if (tagProblem) throw new Error(`${at}.tag '${tag}' ${tagProblem}`);
  const source = text('source');
  const sourceProblem = source === undefined ? undefined : templateProblem(source, filter);
  if (sourceProblem) throw new Error(`${at}.source '${source}' ${sourceProblem}`);

  const valueType = raw.valueType;
  if (valueType !== undefined && !VALUE_TYPES.has(valueType as string))
    throw new Error(`${at}.valueType must be number, boolean or string`);

  const valuePath = path('valuePath');
  const unitPath = path('unitPath');
  const timestampPath = path('timestampPath');
  const qualityPath = path('qualityPath');
  if (!valuePath) {
    const needsJson = [
      ['unitPath', unitPath],
      ['timestampPath', timestampPath],
      ['qualityPath', qualityPath],
    ].find(([, p]) => p !== undefined);
    if (needsJson)
      throw new Error(
        `${at}.${String(needsJson[0])} needs valuePath: without it the whole payload is the value and has no fields`,
      );
  }

  let qualityMap: Record<string, ReadingQuality> | undefined;
  if (raw.qualityMap !== undefined) {
    if (!isObject(raw.qualityMap)) throw new Error(`${at}.qualityMap must be an object`);
    if (!qualityPath) throw new Error(`${at}.qualityMap needs qualityPath`);
    qualityMap = {};
    for (const [code, q] of Object.entries(raw.qualityMap)) {
      if (!QUALITIES.has(q as string))
        throw new Error(`${at}.qualityMap.${code} must be good, uncertain or bad`);
      qualityMap[code] = q as ReadingQuality;
    }
  }

  return {
    index,
    filter,
    tag,
    ...(valuePath ? { valuePath } : {}),
    ...(valueType ? { valueType: valueType as 'number' | 'boolean' | 'string' } : {}),
    ...(text('unit') !== undefined ? { unit: text('unit')! } : {}),
    ...(unitPath ? { unitPath } : {}),
    ...(timestampPath ? { timestampPath } : {}),
    ...(qualityPath ? { qualityPath } : {}),
    ...(qualityMap ? { qualityMap } : {}),
    ...(source !== undefined ? { source } : {}),
  };
}

/** What the wildcards of `mapping` matched in `topic`, or undefined when it does not apply. */
export function mappingMatch(mapping: TopicMapping, topic: string): string[] | undefined {
  return matchTopic(mapping.filter, topic);
}
