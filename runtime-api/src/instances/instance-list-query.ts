import { BadRequestException } from '@nestjs/common';
import { pagingQueryDocs, type OpenApiQuerySpec } from '../openapi/openapi-query.js';

export const INSTANCE_STATES = ['active', 'completed', 'terminated', 'incident'] as const;
export type InstanceStateName = (typeof INSTANCE_STATES)[number];

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
/** Variable filters are JSON lookups on every row: a few are plenty for "find permit HW-1". */
const MAX_VARIABLE_FILTERS = 5;
const VARIABLE_PREFIX = 'variables.';
/** A plain variable name: it becomes part of a JSON path, so nothing that could change the path. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** ISO 8601 date or date-time; a time needs a zone so that "after 08:00" means the same everywhere. */
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** What `GET /api/process-instances` filters on, validated. */
export interface InstanceFilter {
  processId?: string;
  processKey?: string;
  states?: InstanceStateName[];
  businessKey?: string;
  parentInstanceId?: string;
  /** ms, inclusive. */
  startedAfter?: number;
  /** ms, exclusive. */
  startedBefore?: number;
  /** Variable name → the JSON texts it may equal (see `variableCandidates`). */
  variables: Array<{ name: string; candidates: string[] }>;
  limit: number;
  offset: number;
}

export interface QueryError {
  field: string;
  code: 'invalid-query';
  message: string;
}

const STRING_PARAMS = ['processId', 'processKey', 'businessKey', 'parentInstanceId'] as const;
const KNOWN = new Set<string>([
  ...STRING_PARAMS,
  'state',
  'startedAfter',
  'startedBefore',
  'limit',
  'offset',
]);

const MAX_OFFSET = 1_000_000_000;
/** A process version key, `processId:version`. */
const VERSION_KEY = /^[^:]+:\d+$/;
const TEXT = { type: 'string', minLength: 1, maxLength: 256 } as const;
const TIME_FORMAT = 'An ISO 8601 date (2026-11-23) or date-time with a zone (2026-11-23T08:00:00Z)';

/** What `parseInstanceListQuery` reads, for the OpenAPI document (from the same limits and states). */
export const INSTANCE_LIST_QUERY_DOC: OpenApiQuerySpec = {
  parameters: [
    {
      name: 'processId',
      description: 'Only instances of this process (the BPMN process id), any version.',
      schema: { ...TEXT },
    },
    {
      name: 'processKey',
      description: "Only instances of this process version, as 'processId:version'.",
      schema: { ...TEXT, pattern: VERSION_KEY.source },
      example: 'hot_work_permit:2',
    },
    {
      name: 'state',
      description: 'Only instances in one of these states (comma-separated).',
      schema: { type: 'array', items: { type: 'string', enum: [...INSTANCE_STATES] } },
      commaSeparated: true,
      example: 'active,incident',
    },
    {
      name: 'businessKey',
      description: 'Only the instances with this business key (a permit number, say).',
      schema: { ...TEXT },
    },
    {
      name: 'parentInstanceId',
      description: 'Only the instances a call activity of this instance started.',
      schema: { ...TEXT },
    },
    {
      name: 'startedAfter',
      description: `Started at or after this time. ${TIME_FORMAT}.`,
      schema: { type: 'string', pattern: ISO_TIME.source },
      example: '2026-11-23T08:00:00Z',
    },
    {
      name: 'startedBefore',
      description: `Started before this time. ${TIME_FORMAT}.`,
      schema: { type: 'string', pattern: ISO_TIME.source },
      example: '2026-11-24',
    },
    ...pagingQueryDocs({
      defaultLimit: DEFAULT_PAGE_SIZE,
      maxLimit: MAX_PAGE_SIZE,
      maxOffset: MAX_OFFSET,
    }),
  ],
  note:
    `Also \`${VARIABLE_PREFIX}<name>=<value>\` (up to ${MAX_VARIABLE_FILTERS}): instances whose ` +
    'variable equals the value (as a string, and as a number, boolean or null where it reads as ' +
    'one). Unknown or repeated parameters are refused (400).',
};

/**
 * The JSON texts a query value matches: the value as a JSON string, and — when it reads as a JSON
 * number, boolean or null — that scalar too, so `variables.count=5` finds 5 and "5".
 */
export function variableCandidates(raw: string): string[] {
  const out = [JSON.stringify(raw)];
  if (/^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/.test(raw)) {
    const scalar = JSON.parse(raw) as unknown;
    out.push(JSON.stringify(scalar));
  }
  return out;
}

/** Date.parse rolls 2026-02-30 over into March: the day must exist in its month. */
function isCalendarDate(raw: string): boolean {
  const [y, m, d] = raw.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function parseTime(field: string, raw: string, errors: QueryError[]): number | undefined {
  const ms = ISO_TIME.test(raw) && isCalendarDate(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) {
    errors.push({
      field,
      code: 'invalid-query',
      message: `${field} must be an ISO 8601 date (2026-11-23) or date-time with a zone (2026-11-23T08:00:00Z), not '${raw}'`,
    });
    return undefined;
  }
  return ms;
}

/** `limit` (1…max) or `offset` (0…max) of a page; the fallback when absent. */
export function parseCount(
  field: 'limit' | 'offset',
  raw: string | undefined,
  fallback: number,
  max: number,
  errors: QueryError[],
): number {
  if (raw === undefined) return fallback;
  // Up to 10 digits: the largest bound (1 000 000 000) has 10; `max` decides the rest.
  const n = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (Number.isNaN(n) || n > max || (field === 'limit' && n < 1)) {
    errors.push({
      field,
      code: 'invalid-query',
      message: `${field} must be a whole number from ${field === 'limit' ? 1 : 0} to ${max}`,
    });
    return fallback;
  }
  return n;
}

/**
 * Validates the query string of the instance list. Unknown parameters are refused (a misspelt
 * filter would otherwise silently list everything), as are repeated ones; 400 names each.
 */
export function parseInstanceListQuery(query: Record<string, unknown>): InstanceFilter {
  const errors: QueryError[] = [];
  const single: Record<string, string> = {};
  const variables: InstanceFilter['variables'] = [];
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string') {
      errors.push({ field: key, code: 'invalid-query', message: `${key} must be given once` });
      continue;
    }
    if (key.startsWith(VARIABLE_PREFIX)) {
      const name = key.slice(VARIABLE_PREFIX.length);
      if (!VARIABLE_NAME.test(name))
        errors.push({
          field: key,
          code: 'invalid-query',
          message: `${key}: '${name}' is not a variable name (letters, digits and _)`,
        });
      else variables.push({ name, candidates: variableCandidates(value) });
      continue;
    }
    if (!KNOWN.has(key)) {
      errors.push({
        field: key,
        code: 'invalid-query',
        message: `${key} is not a filter (known: ${[...KNOWN].join(', ')}, variables.<name>)`,
      });
      continue;
    }
    single[key] = value;
  }
  if (variables.length > MAX_VARIABLE_FILTERS)
    errors.push({
      field: 'variables',
      code: 'invalid-query',
      message: `at most ${MAX_VARIABLE_FILTERS} variables.<name> filters`,
    });

  const filter: InstanceFilter = {
    variables,
    limit: parseCount('limit', single.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, errors),
    offset: parseCount('offset', single.offset, 0, MAX_OFFSET, errors),
  };
  for (const field of STRING_PARAMS) {
    const v = single[field];
    if (v === undefined) continue;
    if (v.length === 0 || v.length > 256)
      errors.push({
        field,
        code: 'invalid-query',
        message: `${field} must be 1 to 256 characters`,
      });
    else filter[field] = v;
  }
  if (filter.processKey !== undefined && !VERSION_KEY.test(filter.processKey))
    errors.push({
      field: 'processKey',
      code: 'invalid-query',
      message: `processKey must be a version key 'processId:version' (use processId for every version)`,
    });
  if (single.state !== undefined) {
    const states = single.state.split(',');
    const wrong = states.filter((s) => !(INSTANCE_STATES as readonly string[]).includes(s));
    if (wrong.length > 0)
      errors.push({
        field: 'state',
        code: 'invalid-query',
        message: `state must be one or more (comma-separated) of ${INSTANCE_STATES.join(', ')}; not ${wrong.map((w) => `'${w}'`).join(', ')}`,
      });
    else filter.states = states as InstanceStateName[];
  }
  if (single.startedAfter !== undefined) {
    const t = parseTime('startedAfter', single.startedAfter, errors);
    if (t !== undefined) filter.startedAfter = t;
  }
  if (single.startedBefore !== undefined) {
    const t = parseTime('startedBefore', single.startedBefore, errors);
    if (t !== undefined) filter.startedBefore = t;
  }
  if (errors.length > 0)
    throw new BadRequestException({
      statusCode: 400,
      message: errors.map((e) => e.message).join('; '),
      errors,
    });
  return filter;
}
