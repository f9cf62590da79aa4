/** A structured validation problem: what integrators and the designer show, with a place. */
export interface Problem {
  readonly code: string;
  readonly message: string;
  readonly elementId?: string;
  /** 1-based line and column in the XML source, where known. */
  readonly line?: number;
  readonly column?: number;
  /** `error` refuses deployment; `warning` is reported only. */
  readonly severity: 'error' | 'warning';
}
