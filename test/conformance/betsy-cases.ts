/** The betsy corpus's `cases.json`, typed (see shared/conformance/betsy/README.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { TraceOrder } from './trace-compare.js';

export type Tier = 'core' | 'camunda8' | 'bpmn';
export const tiers: readonly Tier[] = ['core', 'camunda8', 'bpmn'];

export type ExpectedState =
  'completed' | 'active' | 'incident' | 'error' | 'terminated' | 'rejected';

export interface RelatedProcess {
  processKey: string;
  startedBy: 'runner' | 'signal' | 'message' | 'callActivity';
  expectedTrace: string[];
  markerIds: string[];
  expect?: ExpectedState;
  variables?: Record<string, unknown>;
  startBeforeMain?: boolean;
  /** Element the runner-started instance must wait at before the main instance starts. */
  waitFor?: string;
  /** Variable set by the child's marker task (`marker`), accepted from the parent for call activities. */
  markerVariable?: string;
}

export interface CaseMessage {
  name: string;
  correlationKey?: string;
  variables?: Record<string, unknown>;
  afterMs?: number;
  waitFor?: { processKey: string; elementId: string };
}

export interface BetsyCase {
  test: string;
  case: number;
  group: string;
  tier: Tier;
  model: string;
  processKey: string;
  variables: Record<string, unknown>;
  markerIds: string[];
  expectedTrace: string[];
  order: TraceOrder;
  expect: ExpectedState | ExpectedState[];
  expectVariables?: Record<string, unknown>;
  related?: RelatedProcess[];
  messages?: CaseMessage[];
  timeoutMs?: number;
  runLast?: boolean;
  betsyTrace?: string[];
  note?: string;
}

export function caseId(c: Pick<BetsyCase, 'test' | 'case'>): string {
  return `${c.test}#${c.case}`;
}

/** Cases in run order: `runLast` cases at the end, otherwise file order. */
export function loadBetsyCases(root: string): BetsyCase[] {
  const raw = JSON.parse(readFileSync(join(root, 'betsy', 'cases.json'), 'utf8')) as BetsyCase[];
  return [...raw.filter((c) => !c.runLast), ...raw.filter((c) => c.runLast)];
}

export function expectedStates(c: BetsyCase): ExpectedState[] {
  return Array.isArray(c.expect) ? c.expect : [c.expect];
}
