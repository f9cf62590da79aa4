import type { BodySchema, FieldRule } from '../common/validation.js';

/** A JSON Schema (the OpenAPI 3.0 dialect) — only the keywords the body rules need. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  enum?: string[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  format?: string;
  pattern?: string;
  default?: string | number | boolean;
  description?: string;
}

/**
 * The JSON Schema of what `BodyValidation` accepts: the same fields, types and limits, unknown
 * fields refused (`additionalProperties: false`), so the document cannot drift from the check.
 */
export function bodyJsonSchema(schema: Readonly<BodySchema>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, rule] of Object.entries(schema)) {
    properties[name] = fieldJsonSchema(rule);
    if (rule.required) required.push(name);
  }
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

function fieldJsonSchema(rule: FieldRule): JsonSchema {
  switch (rule.type) {
    case 'string':
      return {
        type: 'string',
        ...(rule.minLength !== undefined ? { minLength: rule.minLength } : {}),
        ...(rule.maxLength !== undefined ? { maxLength: rule.maxLength } : {}),
      };
    case 'integer':
      return {
        type: 'integer',
        ...(rule.min !== undefined ? { minimum: rule.min } : {}),
        ...(rule.max !== undefined ? { maximum: rule.max } : {}),
      };
    case 'enum':
      return { type: 'string', enum: [...rule.values] };
    case 'object':
      return { type: 'object', additionalProperties: true };
    case 'string[]':
      return { type: 'array', items: { type: 'string' } };
    case 'array':
      return {
        type: 'array',
        ...(rule.minItems !== undefined ? { minItems: rule.minItems } : {}),
        ...(rule.items ? { items: bodyJsonSchema(rule.items) } : {}),
      };
    default:
      // A rule kind added to BodyValidation later: described loosely rather than wrongly.
      return { description: `validated as '${(rule as { type: string }).type}'` };
  }
}
