import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { BodyValidation, type BodySchema, type FieldError } from '../common/validation.js';
import { bodyJsonSchema, type JsonSchema } from '../openapi/body-json-schema.js';
import type { DescribesBody } from '../openapi/openapi-body.js';

/**
 * BodyValidation plus boolean fields (which it has no rule for): the same 400
 * `{message, errors:[{field, code, message}]}`, with every problem of the body listed.
 */
export class BodyWithFlags implements PipeTransform, DescribesBody {
  private readonly rest: BodyValidation;

  constructor(
    private readonly schema: BodySchema,
    private readonly flags: string[],
    /** Refuse a body that changes nothing. */
    private readonly needsOne = false,
  ) {
    this.rest = new BodyValidation(schema);
  }

  /** For the OpenAPI document: the rules of BodyValidation plus the boolean fields. */
  describeBody(): JsonSchema {
    const described = bodyJsonSchema(this.schema);
    for (const flag of this.flags) described.properties![flag] = { type: 'boolean' };
    return described;
  }

  transform(value: unknown): unknown {
    const errors: FieldError[] = [];
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    const body = isObject ? { ...(value as Record<string, unknown>) } : value;
    if (isObject) {
      for (const flag of this.flags) {
        const v = (body as Record<string, unknown>)[flag];
        if (v !== undefined && typeof v !== 'boolean')
          errors.push({
            field: flag,
            code: 'invalid-body',
            message: `${flag} must be true or false`,
          });
        delete (body as Record<string, unknown>)[flag];
      }
    }
    try {
      this.rest.transform(body);
    } catch (e) {
      if (!(e instanceof BadRequestException)) throw e;
      errors.unshift(...((e.getResponse() as { errors?: FieldError[] }).errors ?? []));
    }
    const given = Object.values(value as object).filter((v) => v !== undefined && v !== null);
    if (errors.length === 0 && this.needsOne && given.length === 0)
      errors.push({ field: 'body', code: 'invalid-body', message: 'body: nothing to change' });
    if (errors.length > 0)
      throw new BadRequestException({
        statusCode: 400,
        message: errors.map((e) => e.message).join('; '),
        errors,
      });
    return value;
  }
}
