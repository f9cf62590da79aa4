import type { Vars } from './instance-state.js';
import type { TriggerKind } from './instance-state.js';

/** A unit of follow-up work inside one command (see Run.drain). */
export type Step =
  | {
      op: 'activate';
      elementId: string;
      scopeKey: number;
      vars?: Vars;
      role?: 'inner';
      /** Event sub-process: which start event triggered it. */
      startEventId?: string;
      /** The event already happened (boundary, event-gateway target, triggered start): complete at once. */
      triggered?: Vars;
    }
  | {
      op: 'complete';
      key: number;
      vars?: Vars;
      /** End listeners have run and the variables are applied: just move on. */
      afterListeners?: boolean;
    }
  | { op: 'scopeCheck'; key: number }
  | {
      op: 'trigger';
      kind: TriggerKind;
      ownerKey: number;
      targetId: string;
      vars: Vars;
    };
