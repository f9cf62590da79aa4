import type { Expr } from './expression.js';
import type { Container, FlowNode } from './flow-node.js';

export interface SequenceFlow {
  readonly id: string;
  readonly sourceId: string;
  readonly targetId: string;
  /** FEEL condition; absent = unconditional. */
  readonly condition?: Expr;
  /** This flow is the source's default flow. */
  readonly isDefault: boolean;
}

/** An element the compiler saw but the engine does not execute. */
export interface UnsupportedElement {
  readonly elementId: string;
  readonly type: string;
  readonly reason: string;
}

/** One executable process, compiled. Immutable; shared by every instance of its version. */
export interface ProcessModel {
  readonly id: string;
  readonly name?: string;
  readonly isExecutable: boolean;
  /** `zeebe:versionTag` of this version, if any. */
  readonly versionTag?: string;
  /** The process's own container (top-level nodes). */
  readonly root: Container;
  readonly nodes: ReadonlyMap<string, FlowNode>;
  readonly flows: ReadonlyMap<string, SequenceFlow>;
  readonly unsupported: readonly UnsupportedElement[];
  /** Whether an element id is a container (process or sub-process) id. */
  readonly containers: ReadonlyMap<string, Container>;
}

/** All processes of one BPMN file. */
export interface CompiledDefinitions {
  readonly id: string;
  readonly processes: readonly ProcessModel[];
}

export type { Expr };
