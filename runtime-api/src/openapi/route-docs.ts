import type { INestApplication, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_KEY, ROLES_KEY } from '../auth/roles.js';
import { BodyValidation } from '../common/validation.js';
import { bodyJsonSchema, type JsonSchema } from './body-json-schema.js';
import {
  describesBody,
  jsonSchemaOf,
  OPENAPI_BODY_KEY,
  type DescribesBody,
  type OpenApiBodySpec,
} from './openapi-body.js';
import { OPENAPI_QUERY_KEY, queryParametersOf, type OpenApiQuerySpec } from './openapi-query.js';

/** How a body without a readable description is marked in the document. */
export const UNDESCRIBED_BODY =
  'A JSON object, validated by the handler; its fields are not described here yet.';

/** Names of the security schemes in `components.securitySchemes`. */
export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'apiKey';

/** A controller method that handles a route: what its metadata is read from. */
export interface RouteHandler {
  controller: Type<unknown>;
  methodName: string;
  handler: (...args: unknown[]) => unknown;
}

/** Operation ids are `<Controller>_<method>`: the key from a document's operation to its handler. */
export const operationIdOf = (controllerName: string, methodName: string) =>
  `${controllerName}_${methodName}`;

/** Every route handler of every registered controller, by operation id. */
export function routeHandlers(app: INestApplication): Map<string, RouteHandler> {
  const out = new Map<string, RouteHandler>();
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller || typeof controller !== 'function') continue;
      const proto = controller.prototype as Record<string, unknown>;
      for (const methodName of Object.getOwnPropertyNames(proto)) {
        const handler = proto[methodName];
        if (methodName === 'constructor' || typeof handler !== 'function') continue;
        if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const id = operationIdOf(controller.name, methodName);
        if (out.has(id)) throw new Error(`two route handlers share the operation id '${id}'`);
        out.set(id, { controller, methodName, handler: handler as RouteHandler['handler'] });
      }
    }
  }
  return out;
}

interface RouteArg {
  kind: RouteParamtypes;
  /** The name given to the decorator: `@Param('id')` → `id`. */
  data: unknown;
  pipes: unknown[];
}

/** The handler's decorated arguments (`@Body`, `@Param`, `@Query`...), with their pipes. */
function routeArgsOf(route: RouteHandler): RouteArg[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.methodName) ??
    {}) as Record<string, { data?: unknown; pipes?: unknown[] }>;
  return Object.entries(args).map(([key, arg]) => ({
    kind: Number(key.split(':')[0]) as RouteParamtypes,
    data: arg.data,
    pipes: arg.pipes ?? [],
  }));
}

/** What documents a handler's `@Body()`: its first pipe the document can read, if any. */
function bodyArgOf(
  route: RouteHandler,
): { pipe: BodyValidation | DescribesBody | undefined } | undefined {
  const arg = routeArgsOf(route).find((a) => a.kind === RouteParamtypes.BODY);
  if (!arg) return undefined;
  const pipe = arg.pipes.find(
    (p): p is BodyValidation | DescribesBody => p instanceof BodyValidation || describesBody(p),
  );
  return { pipe };
}

/**
 * The request body a route documents: its `BodyValidation` pipe's rules, a wrapping pipe's own
 * description, or the route's `@OpenApiBody` declaration. A body read without any of them is shown
 * as a JSON object, marked as not described (so it shows up in review, not as a wrong schema).
 */
function requestBodyOf(route: RouteHandler): Record<string, unknown> | undefined {
  const declared = metadataOf<OpenApiBodySpec>(OPENAPI_BODY_KEY, route);
  const arg = bodyArgOf(route);
  const content: Record<string, { schema: JsonSchema }> = {};
  if (arg?.pipe instanceof BodyValidation)
    content['application/json'] = { schema: bodyJsonSchema(arg.pipe.bodySchema) };
  else if (arg?.pipe) content['application/json'] = { schema: arg.pipe.describeBody() };
  else if (declared) {
    const json = jsonSchemaOf(declared);
    if (json) content['application/json'] = { schema: json };
    if (declared.multipart) {
      const schema = bodyJsonSchema(declared.multipart.fields);
      const field = declared.multipart.files.field ?? 'files';
      schema.properties![field] = {
        type: 'array',
        items: { type: 'string', format: 'binary' },
        description: declared.multipart.files.description,
      };
      schema.required = [...(schema.required ?? []), field];
      content['multipart/form-data'] = { schema };
    }
  } else if (arg) {
    content['application/json'] = {
      schema: { type: 'object', description: UNDESCRIBED_BODY },
    };
  } else return undefined;
  return { required: true, content };
}

/**
 * Path and query parameters: every `{name}` of the path (a handler may read all params at once),
 * the route's `@OpenApiQuery` declaration (a whole-object `@Query()` parsed by the handler), and
 * `@Query('name')` arguments it does not describe.
 */
function parametersOf(route: RouteHandler, path: string): Array<Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const add = (name: string, where: 'path' | 'query') =>
    out.set(`${where}:${name}`, {
      name,
      in: where,
      required: where === 'path',
      schema: { type: 'string' },
    });
  for (const m of path.matchAll(/\{([^}]+)\}/g)) add(m[1]!, 'path');
  const declared = metadataOf<OpenApiQuerySpec>(OPENAPI_QUERY_KEY, route);
  for (const p of declared ? queryParametersOf(declared) : []) out.set(`query:${p.name}`, p);
  for (const arg of routeArgsOf(route)) {
    if (typeof arg.data !== 'string') continue;
    if (arg.kind === RouteParamtypes.QUERY && !out.has(`query:${arg.data}`)) add(arg.data, 'query');
  }
  return [...out.values()];
}

/** The handler's metadata first, then its controller's (as the auth guard reads it). */
function metadataOf<T>(key: string, route: RouteHandler): T | undefined {
  return (Reflect.getMetadata(key, route.handler) ?? Reflect.getMetadata(key, route.controller)) as
    T | undefined;
}

/** Who may call a route, in the words of the auth guard's rules. */
export function accessOf(route: RouteHandler, method: string): string {
  if (metadataOf<boolean>(PUBLIC_KEY, route)) return 'Public: no credential needed.';
  const roles = metadataOf<string[]>(ROLES_KEY, route);
  if (roles) return `Roles: ${roles.join(', ')}.`;
  return method === 'get' || method === 'head'
    ? 'Roles: any signed-in user.'
    : 'Roles: admin (writes without an explicit role list are for admins only).';
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  operationId?: string;
  parameters?: Array<{ name?: string; in?: string }>;
  description?: string;
  security?: Array<Record<string, string[]>>;
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

/** The error body every refusal has (400s name the fields in `errors`). */
const ERROR_SCHEMA = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    message: { type: 'string' },
    code: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          field: { type: 'string' },
          code: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
  },
};
export const ERROR_SCHEMA_NAME = 'Error';

const errorResponse = (description: string) => ({
  description,
  content: {
    'application/json': { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` } },
  },
});

/**
 * Completes a document generated from the routes with what Nest's metadata knows but swagger does
 * not read: request bodies from the `BodyValidation` pipes, the credentials each route needs
 * (public routes none) and the roles it allows. Operations are matched to handlers by operation id.
 */
export function describeRoutes(document: OpenAPIObject, app: INestApplication): OpenAPIObject {
  const handlers = routeHandlers(app);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, [ERROR_SCHEMA_NAME]: ERROR_SCHEMA },
    securitySchemes: {
      ...document.components?.securitySchemes,
      [BEARER_SCHEME]: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'An access token from POST /api/auth/login.',
      },
      [API_KEY_SCHEME]: {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description:
          "An integration's API key (created by an admin); `Authorization: ApiKey <key>` works too.",
      },
    },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      const route = op.operationId ? handlers.get(op.operationId) : undefined;
      if (!route) continue;
      const access = accessOf(route, method);
      const query = metadataOf<OpenApiQuerySpec>(OPENAPI_QUERY_KEY, route);
      const text = query?.note ? `${query.note}\n\n${access}` : access;
      op.description = op.description ? `${op.description}\n\n${text}` : text;
      const responses = (op.responses ??= {});
      if (query)
        responses['400'] ??= errorResponse('A query parameter is invalid: `errors` names each.');
      const given = new Set((op.parameters ?? []).map((p) => `${p.in}:${p.name}`));
      op.parameters = [
        ...(op.parameters ?? []),
        ...parametersOf(route, path).filter((p) => !given.has(`${p.in}:${p.name}`)),
      ];
      const body = requestBodyOf(route);
      if (body) {
        op.requestBody = body;
        responses['400'] ??= errorResponse('The body is invalid: `errors` names each field.');
      }
      if (metadataOf<boolean>(PUBLIC_KEY, route)) {
        delete op.security;
        continue;
      }
      op.security = [{ [BEARER_SCHEME]: [] }, { [API_KEY_SCHEME]: [] }];
      responses['401'] ??= errorResponse('No valid credential.');
      responses['403'] ??= errorResponse('The credential lacks the role this needs.');
    }
  }
  return document;
}
