import { BadRequestException, NotFoundException, type PipeTransform } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BodyValidation } from '../common/validation.js';
import { bodyJsonSchema } from '../openapi/body-json-schema.js';
import type { DescribesBody } from '../openapi/openapi-body.js';
import { ProcessDefinitionEntity, type ProcessDefinitionRow } from '../persistence/entities.js';

/** `{targetProcessKey}` (a version key, or a process id for its latest version) or `{targetVersion}`. */
export interface MigrationBody {
  targetProcessKey?: string;
  targetVersion?: number;
}

const FIELDS = new BodyValidation({
  targetProcessKey: { type: 'string', minLength: 1, maxLength: 256 },
  targetVersion: { type: 'integer', min: 1, max: 1_000_000 },
});

/** Validates a migration body: the field rules, then exactly one of the two targets. */
export const MIGRATION_BODY: PipeTransform & DescribesBody = {
  describeBody: () => ({
    ...bodyJsonSchema(FIELDS.bodySchema),
    description: 'exactly one of targetProcessKey (e.g. permit:2) or targetVersion (2)',
  }),
  transform(value: unknown): MigrationBody {
    const body = FIELDS.transform(value ?? {}) as MigrationBody;
    const given = [body.targetProcessKey, body.targetVersion].filter((v) => v !== undefined);
    if (given.length !== 1) {
      const message = 'give exactly one of targetProcessKey (e.g. permit:2) or targetVersion (2)';
      throw new BadRequestException({
        statusCode: 400,
        message,
        errors: [{ field: 'targetProcessKey', code: 'invalid-body', message }],
      });
    }
    return body;
  },
};

function notFound(what: string): NotFoundException {
  return new NotFoundException({
    statusCode: 404,
    code: 'PROCESS_NOT_FOUND',
    message: `no deployed process version ${what}`,
  });
}

/**
 * The process version a migration goes to, for an instance (or version) of `processId`. A target
 * of another process is left for the engine to refuse (MIGRATION_INVALID, naming both).
 */
export async function resolveMigrationTarget(
  ds: DataSource,
  processId: string,
  body: MigrationBody,
): Promise<ProcessDefinitionRow> {
  const defs = ds.getRepository(ProcessDefinitionEntity);
  if (body.targetVersion !== undefined) {
    const def = await defs.findOneBy({ processId, version: body.targetVersion });
    if (!def) throw notFound(`'${processId}:${body.targetVersion}'`);
    return def;
  }
  const key = body.targetProcessKey!;
  const exact = await defs.findOneBy({ key });
  if (exact) return exact;
  const latest = await defs.findOne({ where: { processId: key }, order: { version: 'DESC' } });
  if (!latest) throw notFound(`'${key}'`);
  return latest;
}
