import { BadRequestException } from '@nestjs/common';

/** One reason a deployment is refused, in the 400 body `{message, errors:[…]}`. */
export interface DeploymentProblem {
  code: string;
  message: string;
  resource?: string;
  elementId?: string;
  line?: number;
  column?: number;
  /** JSON pointer into a form schema (INVALID_FORM_SCHEMA). */
  schemaPath?: string;
}

export function deploymentRefused(errors: DeploymentProblem[]): BadRequestException {
  const first = errors[0];
  return new BadRequestException({
    statusCode: 400,
    message:
      `the deployment is invalid` +
      (first ? `: ${first.resource ? `${first.resource}: ` : ''}${first.message}` : '') +
      (errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''),
    errors,
  });
}
