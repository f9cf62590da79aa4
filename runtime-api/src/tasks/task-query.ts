import { BadRequestException } from '@nestjs/common';
import { Brackets, type DataSource, type SelectQueryBuilder } from 'typeorm';
import { pagingQueryDocs, type OpenApiQuerySpec } from '../openapi/openapi-query.js';
import { dialectOf } from '../persistence/data-source.js';
import type { TaskRecordRow } from '../persistence/task-entities.js';
import { readsOwnOnly, type TaskViewer } from './task-access.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;

/** `GET /api/tasks` query, checked. */
export interface TaskListQuery {
  processInstanceId?: string;
  assignee?: string;
  candidateRole?: string;
  candidateGroup?: string;
  states: Array<TaskRecordRow['state']>;
  limit: number;
  offset: number;
}

const STATES: Record<string, Array<TaskRecordRow['state']>> = {
  open: ['open'],
  completed: ['completed'],
  cancelled: ['cancelled'],
  all: ['open', 'completed', 'cancelled'],
};

function bad(field: string, message: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    message: `${field} ${message}`,
    errors: [{ field, code: 'invalid-query', message: `${field} ${message}` }],
  });
}

function text(raw: Record<string, unknown>, field: string): string | undefined {
  const v = raw[field];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw bad(field, 'must be given once');
  if (v.length > 512) throw bad(field, 'must not be longer than 512');
  return v;
}

function whole(
  raw: Record<string, unknown>,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const v = text(raw, field);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw bad(field, `must be a whole number from ${min} to ${max}`);
  return Number(v);
}

/** What `parseTaskListQuery` reads, for the OpenAPI document (from the same limits and states). */
export const TASK_LIST_QUERY_DOC: OpenApiQuerySpec = {
  parameters: [
    {
      name: 'processInstanceId',
      description: 'Only tasks of this process instance.',
      schema: { type: 'string', maxLength: 512 },
    },
    {
      name: 'assignee',
      description: 'Only tasks assigned to this username; `me` is the caller.',
      schema: { type: 'string', maxLength: 512 },
      example: 'me',
    },
    {
      name: 'candidateRole',
      description: "Only tasks offered to this role (the model's candidate roles and groups).",
      schema: { type: 'string', maxLength: 512 },
    },
    {
      name: 'candidateGroup',
      description: 'Only tasks offered to this group (work crew).',
      schema: { type: 'string', maxLength: 512 },
    },
    {
      name: 'state',
      description: 'Which tasks: open ones (the default), closed ones, or all.',
      schema: { type: 'string', enum: Object.keys(STATES), default: 'open' },
    },
    ...pagingQueryDocs({ defaultLimit: DEFAULT_LIMIT, maxLimit: MAX_LIMIT }),
  ],
  note: 'A worker lists only tasks assigned to it, offered to it, or completed by it.',
};

/** Reads the list query; `assignee=me` is the caller. Unknown values are a 400 naming the field. */
export function parseTaskListQuery(
  raw: Record<string, unknown>,
  viewer: TaskViewer,
): TaskListQuery {
  const state = text(raw, 'state') ?? 'open';
  const states = STATES[state];
  if (!states) throw bad('state', `must be one of ${Object.keys(STATES).join(', ')}`);
  const assignee = text(raw, 'assignee');
  const q: TaskListQuery = {
    states,
    limit: whole(raw, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT),
    offset: whole(raw, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
  const processInstanceId = text(raw, 'processInstanceId');
  if (processInstanceId) q.processInstanceId = processInstanceId;
  if (assignee) q.assignee = assignee === 'me' ? viewer.username : assignee;
  const candidateRole = text(raw, 'candidateRole');
  if (candidateRole) q.candidateRole = candidateRole;
  const candidateGroup = text(raw, 'candidateGroup');
  if (candidateGroup) q.candidateGroup = candidateGroup;
  return q;
}

/**
 * `column` (a JSON string list) contains `value`. A substring test for the JSON-encoded value:
 * exact and case-sensitive on both dialects (sqlite's LIKE is not), with no wildcards to escape.
 */
function jsonListHas(ds: DataSource, column: string, param: string): string {
  return dialectOf(ds) === 'postgres'
    ? `strpos(${column}, :${param}) > 0`
    : `instr(${column}, :${param}) > 0`;
}

/**
 * Applies the filters, the worker's visibility (in SQL, so paging counts only what it may see),
 * and a stable order (oldest first, then id).
 */
export function applyTaskListQuery(
  ds: DataSource,
  qb: SelectQueryBuilder<TaskRecordRow>,
  q: TaskListQuery,
  viewer: TaskViewer,
): SelectQueryBuilder<TaskRecordRow> {
  qb.where('t.state IN (:...states)', { states: q.states });
  if (q.processInstanceId) qb.andWhere('t.instance_id = :pid', { pid: q.processInstanceId });
  if (q.assignee) qb.andWhere('t.assignee = :assignee', { assignee: q.assignee });
  if (q.candidateRole)
    qb.andWhere(jsonListHas(ds, 't.candidate_roles', 'crole'), {
      crole: JSON.stringify(q.candidateRole),
    });
  if (q.candidateGroup)
    qb.andWhere(jsonListHas(ds, 't.candidate_groups', 'cgroup'), {
      cgroup: JSON.stringify(q.candidateGroup),
    });
  if (readsOwnOnly(viewer)) {
    qb.andWhere(
      new Brackets((own) => {
        own.where('t.assignee = :me', { me: viewer.username });
        own.orWhere('t.completed_by = :me');
        own.orWhere(
          new Brackets((offered) => {
            offered.where('t.assignee IS NULL');
            offered.andWhere(
              new Brackets((any) => {
                any.where(jsonListHas(ds, 't.candidate_users', 'meJson'), {
                  meJson: JSON.stringify(viewer.username),
                });
                viewer.roles.forEach((r, i) =>
                  any.orWhere(jsonListHas(ds, 't.candidate_roles', `vr${i}`), {
                    [`vr${i}`]: JSON.stringify(r),
                  }),
                );
                viewer.groups.forEach((g, i) =>
                  any.orWhere(jsonListHas(ds, 't.candidate_groups', `vg${i}`), {
                    [`vg${i}`]: JSON.stringify(g),
                  }),
                );
              }),
            );
          }),
        );
      }),
    );
  }
  return qb
    .orderBy('t.created_at', 'ASC')
    .addOrderBy('t.id', 'ASC')
    .limit(q.limit)
    .offset(q.offset);
}
