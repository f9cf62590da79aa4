export type EngineErrorCode =
  | 'NOT_FOUND'
  | 'PROCESS_NOT_FOUND'
  | 'INSTANCE_NOT_FOUND'
  | 'INSTANCE_NOT_ACTIVE'
  | 'TASK_NOT_FOUND'
  | 'TASK_NOT_ACTIVE'
  | 'JOB_NOT_FOUND'
  | 'JOB_NOT_ACTIVE'
  | 'INCIDENT_NOT_FOUND'
  | 'ELEMENT_NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'NO_NONE_START_EVENT'
  | 'DEPLOYMENT_INVALID'
  | 'MIGRATION_INVALID';

/** A typed refusal of a command: the state is unchanged. */
export interface EngineError {
  readonly code: EngineErrorCode;
  readonly message: string;
}

export class EngineCommandError extends Error implements EngineError {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineCommandError';
  }
}
