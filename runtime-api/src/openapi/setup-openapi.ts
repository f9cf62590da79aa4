import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { describeRoutes, operationIdOf } from './route-docs.js';

/** Where Swagger UI is served; the JSON document is at `<path>-json`. Both are public. */
export const OPENAPI_PATH = 'api/docs';

/** The OpenAPI 3 document of every route the app has registered. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('SafeFlow runtime API')
    .setDescription(
      'Deployments, process instances, user tasks, jobs, incidents, messages and the audit chain ' +
        'of the SafeFlow runtime. Live events are on socket.io at /socket.io (see the README).',
    )
    .setVersion('0.1.0')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => operationIdOf(controller, method),
  });
  return describeRoutes(document, app);
}

/**
 * Serves Swagger UI at /api/docs and the JSON at /api/docs-json, straight on the HTTP adapter (so
 * the auth guard does not apply: the API's shape is no secret, its data is). Call after the app is
 * created: the controllers must be known.
 */
export function setupOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(OPENAPI_PATH, app, document, {
    raw: ['json'],
    customSiteTitle: 'SafeFlow runtime API',
  });
}
