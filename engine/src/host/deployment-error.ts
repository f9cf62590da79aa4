import type { Problem } from '../model/problem.js';

/** A deployment refused: every problem names the resource, and where known the element and line. */
export class DeploymentError extends Error {
  readonly code = 'DEPLOYMENT_INVALID';
  constructor(readonly problems: Array<Problem & { resource?: string }>) {
    super(
      `deployment refused: ${problems.length} problem(s)` +
        (problems[0]
          ? ` — first: ${problems[0].resource ? `${problems[0].resource}: ` : ''}${problems[0].message}`
          : ''),
    );
    this.name = 'DeploymentError';
  }
}
