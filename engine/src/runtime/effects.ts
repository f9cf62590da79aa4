import type { Vars } from './instance-state.js';

/**
 * What an instance asks of its host after a command: work that crosses instance boundaries.
 * The in-memory Engine routes them; the runtime service routes them through its database.
 */
export type Effect =
  | {
      type: 'startChild';
      parentInstanceId: string;
      parentKey: number;
      childInstanceId: string;
      processId: string;
      bindingType: 'latest' | 'deployment' | 'versionTag';
      versionTag?: string;
      parentProcessKey: string;
      variables: Vars;
    }
  | { type: 'cancelChild'; childInstanceId: string }
  | {
      /** The instance ended and has a parent waiting at a call activity. */
      type: 'childCompleted';
      parentInstanceId: string;
      parentKey: number;
      childInstanceId: string;
      variables: Vars;
    }
  | {
      /** An error or escalation no scope of the child caught: the parent's call activity may. */
      type: 'childThrew';
      parentInstanceId: string;
      parentKey: number;
      childInstanceId: string;
      kind: 'error' | 'escalation';
      code: string;
      message?: string;
      variables: Vars;
    }
  | { type: 'signal'; name: string; variables: Vars; originInstanceId: string };
