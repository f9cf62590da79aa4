import { BadRequestException, type PipeTransform } from '@nestjs/common';

/** A field of a request body. */
export type FieldRule =
  | { type: 'string'; required?: boolean; maxLength?: number; minLength?: number }
  | { type: 'object'; required?: boolean }
  | { type: 'integer'; required?: boolean; min?: number; max?: number }
  | { type: 'enum'; required?: boolean; values: string[] }
  | { type: 'array'; required?: boolean; minItems?: number; items?: Record<string, FieldRule> }
  | { type: 'string[]'; required?: boolean };

export type BodySchema = Record<string, FieldRule>;

export interface FieldError {
  field: string;
  code: 'invalid-body';
  message: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function check(value: unknown, schema: BodySchema, prefix: string, out: FieldError[]): void {
  if (!isPlainObject(value)) {
    out.push({
      field: prefix || 'body',
      code: 'invalid-body',
      message: `${prefix || 'body'} must be a JSON object`,
    });
    return;
  }
  for (const key of Object.keys(value)) {
    if (!(key in schema))
      out.push({
        field: prefix + key,
        code: 'invalid-body',
        message: `${prefix + key} is not allowed`,
      });
  }
  for (const [key, rule] of Object.entries(schema)) {
    const field = prefix + key;
    const v = value[key];
    if (v === undefined || v === null) {
      if (rule.required) out.push({ field, code: 'invalid-body', message: `${field} is required` });
      continue;
    }
    switch (rule.type) {
      case 'string':
        if (typeof v !== 'string')
          out.push({ field, code: 'invalid-body', message: `${field} must be a string` });
        else if (rule.minLength !== undefined && v.length < rule.minLength)
          out.push({
            field,
            code: 'invalid-body',
            message: `${field} must not be shorter than ${rule.minLength}`,
          });
        else if (rule.maxLength !== undefined && v.length > rule.maxLength)
          out.push({
            field,
            code: 'invalid-body',
            message: `${field} must not be longer than ${rule.maxLength}`,
          });
        break;
      case 'integer':
        if (typeof v !== 'number' || !Number.isInteger(v))
          out.push({ field, code: 'invalid-body', message: `${field} must be a whole number` });
        else if (
          (rule.min !== undefined && v < rule.min) ||
          (rule.max !== undefined && v > rule.max)
        )
          out.push({
            field,
            code: 'invalid-body',
            message: `${field} must be between ${rule.min ?? '-∞'} and ${rule.max ?? '∞'}`,
          });
        break;
      case 'enum':
        if (typeof v !== 'string' || !rule.values.includes(v))
          out.push({
            field,
            code: 'invalid-body',
            message: `${field} must be one of ${rule.values.join(', ')}`,
          });
        break;
      case 'object':
        if (!isPlainObject(v))
          out.push({ field, code: 'invalid-body', message: `${field} must be an object` });
        break;
      case 'string[]':
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
          out.push({
            field,
            code: 'invalid-body',
            message: `${field} must be an array of strings`,
          });
        break;
      case 'array':
        if (!Array.isArray(v))
          out.push({ field, code: 'invalid-body', message: `${field} must be an array` });
        else {
          if (rule.minItems !== undefined && v.length < rule.minItems)
            out.push({
              field,
              code: 'invalid-body',
              message: `${field} must have at least ${rule.minItems} item(s)`,
            });
          if (rule.items) v.forEach((item, i) => check(item, rule.items!, `${field}[${i}].`, out));
        }
        break;
    }
  }
}

/** Validates a body against a schema; refuses with 400 `{message, errors:[{field, code, message}]}`. */
export class BodyValidation implements PipeTransform {
  constructor(private readonly schema: BodySchema) {}

  /** The rules this pipe checks (the OpenAPI document describes request bodies from them). */
  get bodySchema(): Readonly<BodySchema> {
    return this.schema;
  }

  transform(value: unknown): unknown {
    const errors: FieldError[] = [];
    check(value ?? undefined, this.schema, '', errors);
    if (errors.length > 0) {
      throw new BadRequestException({
        statusCode: 400,
        message: errors.map((e) => e.message).join('; '),
        errors,
      });
    }
    return value;
  }
}
