import type { Expr } from './expression.js';

/** A job the host must run (service/send/business-rule/script tasks, message throw events). */
export interface JobDef {
  /** Job type (`zeebe:taskDefinition type`); may be FEEL. */
  readonly type: Expr;
  /** Retries (`zeebe:taskDefinition retries`), default 3. */
  readonly retries: Expr;
  /** Static headers (`zeebe:taskHeaders`), handed to the worker as-is. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface UserTaskDef {
  readonly assignee?: Expr;
  /** Comma separated list or FEEL list (`zeebe:assignmentDefinition candidateGroups`). */
  readonly candidateGroups?: Expr;
  readonly candidateUsers?: Expr;
  /** SafeFlow roles allowed to work the task (`sf:assignment candidateRoles`). */
  readonly candidateRoles?: Expr;
  /** `zeebe:formDefinition formKey` / `sf:form formKey`. */
  readonly formKey?: string;
  /** `zeebe:formDefinition formId` (Camunda linked forms). */
  readonly formId?: string;
  /** JSON of an embedded `zeebe:userTaskForm` referenced by formKey `camunda-forms:bpmn:<id>`. */
  readonly embeddedForm?: string;
  readonly dueDate?: Expr;
  readonly followUpDate?: Expr;
  readonly priority?: Expr;
}

/** A FEEL script task (`zeebe:script`). */
export interface ScriptDef {
  readonly expression: Expr;
  readonly resultVariable?: string;
}

/** A call activity (`zeebe:calledElement`). */
export interface CallDef {
  readonly processId: Expr;
  /** `latest` (default), `deployment` (same deployment as the caller) or `versionTag`. */
  readonly bindingType: 'latest' | 'deployment' | 'versionTag';
  readonly versionTag?: string;
  readonly propagateAllChildVariables: boolean;
  readonly propagateAllParentVariables: boolean;
}

export type LoopDef =
  | {
      readonly kind: 'multiInstance';
      readonly sequential: boolean;
      /** `zeebe:loopCharacteristics inputCollection`. */
      readonly inputCollection?: Expr;
      readonly inputElement?: string;
      readonly outputCollection?: string;
      readonly outputElement?: Expr;
      /** `bpmn:loopCardinality` (plain BPMN) when no input collection is given. */
      readonly cardinality?: Expr;
      readonly completionCondition?: Expr;
    }
  | {
      readonly kind: 'standard';
      /** Loop *while* this is true (do-while unless testBefore). Absent: loop until loopMaximum. */
      readonly condition?: Expr;
      readonly testBefore: boolean;
      readonly maximum?: number;
    };

/** Execution listener jobs (`zeebe:executionListeners`) by event. */
export interface ExecutionListenersDef {
  readonly start: readonly JobDef[];
  readonly end: readonly JobDef[];
}
