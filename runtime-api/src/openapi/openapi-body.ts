import { SetMetadata } from '@nestjs/common';
import { BodyValidation, type BodySchema } from '../common/validation.js';
import { bodyJsonSchema, type JsonSchema } from './body-json-schema.js';

export const OPENAPI_BODY_KEY = 'safeflow:openapi-body';

/** A route's request bodies, for routes that validate the body in the handler (not in a pipe). */
export interface OpenApiBodySpec {
  /** The JSON body: a `BodyValidation`, its rules, or a JSON Schema. */
  json?: BodyValidation | BodySchema | { jsonSchema: JsonSchema };
  /** A multipart body: its text fields, and what the files are. */
  multipart?: { fields: BodySchema; files: { field?: string; description: string } };
}

/**
 * Declares the request body of a route whose `@Body()` has no pipe the document can read (it takes
 * JSON or multipart and validates in the handler). Routes with a `BodyValidation` pipe need
 * nothing: the document reads the pipe.
 */
export const OpenApiBody = (spec: OpenApiBodySpec) => SetMetadata(OPENAPI_BODY_KEY, spec);

/**
 * A validation pipe that wraps `BodyValidation` (adds rules it lacks) describes its body by
 * implementing this; the document then shows exactly what the pipe accepts.
 */
export interface DescribesBody {
  describeBody(): JsonSchema;
}

export function describesBody(pipe: unknown): pipe is DescribesBody {
  return (
    typeof pipe === 'object' &&
    pipe !== null &&
    typeof (pipe as Partial<DescribesBody>).describeBody === 'function'
  );
}

/** The JSON Schema of the JSON body a spec declares. */
export function jsonSchemaOf(spec: OpenApiBodySpec): JsonSchema | undefined {
  const json = spec.json;
  if (!json) return undefined;
  if (json instanceof BodyValidation) return bodyJsonSchema(json.bodySchema);
  if ('jsonSchema' in json && typeof json.jsonSchema === 'object')
    return json.jsonSchema as JsonSchema;
  return bodyJsonSchema(json as BodySchema);
}
