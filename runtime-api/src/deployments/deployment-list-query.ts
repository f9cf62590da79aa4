import { BadRequestException } from '@nestjs/common';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  parseCount,
  type QueryError,
} from '../instances/instance-list-query.js';

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
    offset: parseCount('offset', one('offset'), 0, 1_000_000_000, errors),
  };
  if (errors.length > 0)
    throw new BadRequestException({
      statusCode: 400,
      message: errors.map((e) => e.message).join('; '),
      errors,
    });
  return page;
}
