import { BadRequestException } from '@nestjs/common';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  parseCount,
  type QueryError,
} from '../instances/instance-list-query.js';
import { pagingQueryDocs, type OpenApiQuerySpec } from '../openapi/openapi-query.js';

const MAX_OFFSET = 1_000_000_000;

/** What `parseDeploymentListQuery` reads, for the OpenAPI document. */
export const DEPLOYMENT_LIST_QUERY_DOC: OpenApiQuerySpec = {
  parameters: pagingQueryDocs({
    defaultLimit: DEFAULT_PAGE_SIZE,
    maxLimit: MAX_PAGE_SIZE,
    maxOffset: MAX_OFFSET,
  }),
  note: 'Other parameters are refused (400).',
};

/** `limit` (default 50, at most 500) and `offset` of the deployment list; nothing else. */
export function parseDeploymentListQuery(query: Record<string, unknown>): {
  limit: number;
  offset: number;
} {
  const errors: QueryError[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (key !== 'limit' && key !== 'offset')
      errors.push({
        field: key,
        code: 'invalid-query',
        message: `${key} is not a parameter (limit, offset)`,
      });
    else if (typeof value !== 'string')
      errors.push({ field: key, code: 'invalid-query', message: `${key} must be given once` });
  }
  const one = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : undefined);
  const page = {
    limit: parseCount('limit', one('limit'), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, errors),
    offset: parseCount('offset', one('offset'), 0, MAX_OFFSET, errors),
  };
  if (errors.length > 0)
    throw new BadRequestException({
      statusCode: 400,
      message: errors.map((e) => e.message).join('; '),
      errors,
    });
  return page;
}
