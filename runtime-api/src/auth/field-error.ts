import { BadRequestException } from '@nestjs/common';

/** 400 in the shape of body validation errors: `{statusCode, message, errors:[{field, code, message}]}`. */
export function invalidField(field: string, message: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    message,
    errors: [{ field, code: 'invalid-body', message }],
  });
}

/**
 * Names of groups, sites and API keys: they end up in tokens, task candidate lists and audit
 * actors, so they are kept to plain identifiers (letters, digits, `.`, `_`, `-`).
 */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function assertName(value: string, field: string, maxLength: number): void {
  if (value.length > maxLength || !NAME_PATTERN.test(value))
    throw invalidField(
      field,
      `${field} must be 1-${maxLength} letters, digits, '.', '_' or '-' (starting with a letter or digit)`,
    );
}

/** A unique or primary key violation, on sqlite or PostgreSQL (a concurrent insert of the same name). */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = String(err?.driverError?.code ?? err?.code ?? '');
  return ['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'].includes(code);
}
