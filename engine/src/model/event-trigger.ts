import type { Expr } from './expression.js';

/** How a timer is defined: `timeDuration`, `timeDate` or `timeCycle` (ISO 8601 or FEEL). */
export interface TimerDef {
  readonly kind: 'duration' | 'date' | 'cycle';
  readonly expr: Expr;
}

/**
 * What triggers (catch) or is produced (throw) by an event. One per event; events with several
 * event definitions (BPMN "multiple") are reported unsupported by the compiler.
 */
export type EventTrigger =
  | { readonly type: 'none' }
  | {
      readonly type: 'message';
      /** Message name; may be FEEL. */
      readonly name: Expr;
      /** Correlation key (`zeebe:subscription correlationKey`); absent on start events. */
      readonly correlationKey?: Expr;
    }
  | { readonly type: 'timer'; readonly timer: TimerDef }
  | { readonly type: 'signal'; readonly name: Expr }
  /** Throw: errorCode set. Catch: errorCode undefined means "catch every error". */
  | { readonly type: 'error'; readonly errorCode?: string }
  /** Throw: escalationCode set. Catch: undefined means "catch every escalation". */
  | { readonly type: 'escalation'; readonly escalationCode?: string }
  | { readonly type: 'terminate' }
  | { readonly type: 'link'; readonly linkName: string };

export type EventTriggerType = EventTrigger['type'];
