import { SetMetadata } from '@nestjs/common';
import type { JsonSchema } from './body-json-schema.js';

export const OPENAPI_QUERY_KEY = 'safeflow:openapi-query';

/** One query parameter a route reads (always optional: the lists filter only on what is given). */
export interface QueryParamDoc {
  name: string;
  description: string;
  schema: JsonSchema;
  /** An array given once, comma-separated (`state=active,incident`): OpenAPI's `form`, unexploded. */
  commaSeparated?: boolean;
  /** A value the parser accepts, for the reader (and for tests that try each parameter). */
  example?: string;
}

/** The query string of a route that parses it whole, with its own parser. */
export interface OpenApiQuerySpec {
  parameters: QueryParamDoc[];
  /** What a parameter list cannot say (a family of names like `variables.<name>`), for the description. */
  note?: string;
}

/**
 * Declares the query parameters of a route whose handler takes the whole query string
 * (`@Query() query`) and parses it itself: the document cannot see them otherwise. Build the spec
 * from the parser's own constants (limits, enums) next to the parser, so the two change together.
 */
export const OpenApiQuery = (spec: OpenApiQuerySpec) => SetMetadata(OPENAPI_QUERY_KEY, spec);

/** `limit` and `offset` of a paged list, as its parser checks them. */
export function pagingQueryDocs(page: {
  defaultLimit: number;
  maxLimit: number;
  maxOffset?: number;
}): QueryParamDoc[] {
  return [
    {
      name: 'limit',
      description: 'Page size; `X-Total-Count` gives the number of matches before paging.',
      schema: { type: 'integer', minimum: 1, maximum: page.maxLimit, default: page.defaultLimit },
    },
    {
      name: 'offset',
      description: 'Matches to skip before the page.',
      schema: {
        type: 'integer',
        minimum: 0,
        ...(page.maxOffset !== undefined ? { maximum: page.maxOffset } : {}),
        default: 0,
      },
    },
  ];
}

/** The OpenAPI parameter objects of a spec. */
export function queryParametersOf(spec: OpenApiQuerySpec): Array<Record<string, unknown>> {
  return spec.parameters.map((p) => ({
    name: p.name,
    in: 'query',
    required: false,
    description: p.description,
    schema: p.schema,
    ...(p.commaSeparated ? { style: 'form', explode: false } : {}),
    ...(p.example !== undefined ? { example: p.example } : {}),
  }));
}
