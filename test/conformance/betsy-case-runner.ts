/**
 * Runs one betsy case against a fresh Engine with a virtual clock: deploy the model, start the
 * runner-side related processes, start the main process, publish the case's messages, fire due
 * timers until nothing is due (bounded), then compare trace, final state, variables and related
 * instances with the case.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import {
  caseId,
  expectedStates,
  type BetsyCase,
  type ExpectedState,
  type Tier,
} from './betsy-cases.js';
import {
  createEngine,
  deploymentProblems,
  describeError,
  type ConformanceEngine,
  type InstanceView,
} from './engine-access.js';
import { compareTrace, formatTrace, sameMultiset, type TraceOrder } from './trace-compare.js';
import { markerTrace } from './trace-reader.js';

/** Virtual start time of every case (any fixed instant works: the engine only reads the clock). */
export const VIRTUAL_EPOCH = Date.UTC(2025, 0, 6, 8, 0, 0);
/** Bounds of the drive loop: timer firings and virtual time after the main start. */
export const MAX_TIMER_STEPS = 1000;
export const MAX_VIRTUAL_MS = 60 * 60 * 1000;
/** How long (virtual) the runner waits for a `waitFor` element, as betsy's 3 s. */
const WAIT_FOR_MS = 3000;

/** Observed end of a case: an instance state, or what happened before there was one. */
export type ObservedState = InstanceView['state'] | 'rejected' | 'start-refused' | 'not-run';

export interface BetsyCaseResult {
  id: string;
  test: string;
  case: number;
  tier: Tier;
  group: string;
  model: string;
  pass: boolean;
  /** Why it failed (empty when it passed). */
  reasons: string[];
  /** Observations that did not decide the verdict (message not correlated, loop bound hit, ...). */
  notes: string[];
  state: ObservedState;
  expect: ExpectedState[];
  trace: string[];
  expectedTrace: string[];
  order: TraceOrder;
  timersFired: number;
  virtualMs: number;
}

function accepts(expected: ExpectedState, observed: ObservedState): boolean {
  switch (expected) {
    case 'completed':
    case 'active':
    case 'terminated':
    case 'rejected':
      return observed === expected;
    case 'incident':
      return observed === 'incident' || observed === 'start-refused';
    case 'error':
      return observed === 'incident' || observed === 'terminated';
  }
}

class CaseDriver {
  now = VIRTUAL_EPOCH;
  timersFired = 0;
  readonly notes: string[] = [];

  constructor(readonly engine: ConformanceEngine) {}

  /** Fires due timers up to `limit` (virtual), stopping early once `until()` holds. */
  fireUntil(limit: number, until: () => boolean = () => false): void {
    while (!until() && this.timersFired < MAX_TIMER_STEPS) {
      const due = this.engine.nextTimerDue();
      if (due === undefined || due > limit) return;
      this.now = Math.max(this.now, due);
      const result = this.engine.fireDueTimers(this.now);
      this.timersFired++;
      if (!result.ok)
        this.notes.push(`fireDueTimers refused: ${result.error.code} ${result.error.message}`);
    }
  }

  isWaitingAt(processKey: string, elementId: string, instanceId?: string): boolean {
    const instances = instanceId
      ? [this.engine.getInstance(instanceId)].filter((i): i is InstanceView => i !== undefined)
      : this.engine.listInstances().filter((i) => i.processId === processKey);
    return instances.some((i) => i.state === 'active' && i.activeElementIds.includes(elementId));
  }
}

function observedState(engine: ConformanceEngine, instanceId: string): ObservedState {
  const view = engine.getInstance(instanceId);
  if (!view) return 'not-run';
  if (view.state === 'active' && engine.incidents({ instanceId }).length > 0) return 'incident';
  return view.state;
}

export async function runBetsyCase(root: string, c: BetsyCase): Promise<BetsyCaseResult> {
  const result: BetsyCaseResult = {
    id: caseId(c),
    test: c.test,
    case: c.case,
    tier: c.tier,
    group: c.group,
    model: c.model,
    pass: false,
    reasons: [],
    notes: [],
    state: 'not-run',
    expect: expectedStates(c),
    trace: [],
    expectedTrace: c.expectedTrace,
    order: c.order,
    timersFired: 0,
    virtualMs: 0,
  };
  let driver: CaseDriver | undefined;
  try {
    const content = readFileSync(join(root, 'betsy', 'models', c.model));
    const clock = (): number => driver?.now ?? VIRTUAL_EPOCH;
    const engine = await createEngine(clock);
    driver = new CaseDriver(engine);
    try {
      await engine.deploy([{ name: c.model, content: new Uint8Array(content) }]);
    } catch (error) {
      const problems = deploymentProblems(error);
      if (!problems) throw error;
      result.state = 'rejected';
      if (!result.expect.includes('rejected')) {
        const shown = problems.map(
          (p) => `${p.code}${p.elementId ? `@${p.elementId}` : ''}: ${p.message}`,
        );
        result.reasons.push(`deployment refused: ${shown.join('; ')}`);
      }
      result.pass = result.reasons.length === 0;
      return result;
    }
    await driveAndCheck(c, engine, driver, result);
  } catch (error) {
    result.reasons.push(`engine threw: ${describeError(error)}`);
  } finally {
    if (driver) {
      result.timersFired = driver.timersFired;
      result.virtualMs = driver.now - VIRTUAL_EPOCH;
      result.notes.push(...driver.notes);
    }
  }
  result.pass = result.reasons.length === 0;
  return result;
}

async function driveAndCheck(
  c: BetsyCase,
  engine: ConformanceEngine,
  driver: CaseDriver,
  result: BetsyCaseResult,
): Promise<void> {
  // Related processes the runner starts first (betsy's useParallelProcess).
  const runnerStarted = new Map<string, string>();
  for (const related of c.related ?? []) {
    if (related.startedBy !== 'runner') continue;
    const started = engine.start(related.processKey, {
      variables: { ...(related.variables ?? {}) },
    });
    if (!started.ok) {
      result.reasons.push(
        `related ${related.processKey}: start refused: ${started.error.code} ${started.error.message}`,
      );
      continue;
    }
    runnerStarted.set(related.processKey, started.instanceId);
    const waitFor = related.waitFor;
    if (waitFor) {
      const waiting = (): boolean =>
        driver.isWaitingAt(related.processKey, waitFor, started.instanceId);
      driver.fireUntil(driver.now + WAIT_FOR_MS, waiting);
      if (!waiting())
        result.reasons.push(`related ${related.processKey} never waited at ${waitFor}`);
    }
  }

  const before = new Set(engine.listInstances().map((i) => i.id));
  const started = engine.start(c.processKey, { variables: structuredClone(c.variables) });
  const startAt = driver.now;
  let mainId: string | undefined;
  if (started.ok) mainId = started.instanceId;
  else result.notes.push(`start refused: ${started.error.code} ${started.error.message}`);

  // Messages at their virtual times, interleaved with timers.
  const pending = [...(c.messages ?? [])].sort((a, b) => (a.afterMs ?? 0) - (b.afterMs ?? 0));
  const deadline = startAt + MAX_VIRTUAL_MS;
  for (;;) {
    const due = engine.nextTimerDue();
    const message = pending[0];
    const messageAt = message ? startAt + (message.afterMs ?? 0) : undefined;
    if (message && messageAt !== undefined && (due === undefined || messageAt < due)) {
      pending.shift();
      driver.now = Math.max(driver.now, messageAt);
      const waitFor = message.waitFor;
      if (waitFor) {
        const waiting = (): boolean => driver.isWaitingAt(waitFor.processKey, waitFor.elementId);
        driver.fireUntil(driver.now + WAIT_FOR_MS, waiting);
        if (!waiting()) {
          driver.notes.push(
            `message ${message.name}: ${waitFor.processKey}/${waitFor.elementId} not active; published anyway`,
          );
        }
      }
      const sent: { name: string; correlationKey?: string; variables?: Record<string, unknown> } = {
        name: message.name,
        variables: { ...(message.variables ?? {}) },
      };
      if (message.correlationKey !== undefined) sent.correlationKey = message.correlationKey;
      const correlated = engine.correlateMessage(sent);
      if (!correlated.ok) {
        driver.notes.push(
          `message ${message.name} refused: ${correlated.error.code} ${correlated.error.message}`,
        );
      } else if (correlated.correlated === 0) {
        driver.notes.push(
          `message ${message.name} (key ${message.correlationKey ?? '-'}) correlated to nothing`,
        );
      }
      continue;
    }
    if (due === undefined) break;
    if (due > deadline || driver.timersFired >= MAX_TIMER_STEPS) {
      driver.notes.push(
        `drive loop stopped with a timer still due at +${due - startAt} ms after ${driver.timersFired} firings`,
      );
      break;
    }
    driver.now = Math.max(driver.now, due);
    const fired = engine.fireDueTimers(driver.now);
    driver.timersFired++;
    if (!fired.ok)
      driver.notes.push(`fireDueTimers refused: ${fired.error.code} ${fired.error.message}`);
  }

  // Final state.
  result.state = mainId === undefined ? 'start-refused' : observedState(engine, mainId);
  if (!result.expect.some((e) => accepts(e, result.state))) {
    const incidents = mainId ? engine.incidents({ instanceId: mainId }) : [];
    const detail = incidents.map((i) => `${i.type}@${i.elementId ?? '-'}: ${i.message}`).join('; ');
    const active = mainId ? (engine.getInstance(mainId)?.activeElementIds ?? []) : [];
    result.reasons.push(
      `state ${result.state}, expected ${result.expect.join(' or ')}` +
        (detail ? ` (incidents: ${detail})` : '') +
        (result.state === 'active' && active.length > 0 ? ` (active: ${active.join(', ')})` : ''),
    );
  }

  // Trace of the main instance.
  result.trace = mainId ? markerTrace(engine.getEvents(mainId), c.markerIds) : [];
  const comparison = compareTrace(result.trace, c.expectedTrace, c.order);
  if (!comparison.ok) result.reasons.push(`trace: ${comparison.reason}`);

  // Variables.
  if (c.expectVariables && mainId) {
    const variables = engine.getInstance(mainId)?.variables ?? {};
    for (const [name, value] of Object.entries(c.expectVariables)) {
      if (!isDeepStrictEqual(variables[name], value)) {
        result.reasons.push(
          `variable ${name} = ${JSON.stringify(variables[name])}, expected ${JSON.stringify(value)}`,
        );
      }
    }
  }

  // Second process instances.
  for (const related of c.related ?? []) {
    const problem = checkRelated(engine, related, mainId, before, runnerStarted);
    if (problem) result.reasons.push(problem);
  }
}

function checkRelated(
  engine: ConformanceEngine,
  related: NonNullable<BetsyCase['related']>[number],
  mainId: string | undefined,
  before: ReadonlySet<string>,
  runnerStarted: ReadonlyMap<string, string>,
): string | undefined {
  const label = `related ${related.processKey} (${related.startedBy})`;
  let candidates: InstanceView[];
  if (related.startedBy === 'runner') {
    const id = runnerStarted.get(related.processKey);
    const view = id ? engine.getInstance(id) : undefined;
    candidates = view ? [view] : [];
  } else {
    candidates = engine
      .listInstances()
      .filter((i) => i.processId === related.processKey && !before.has(i.id) && i.id !== mainId);
  }
  const observed: string[] = [];
  for (const candidate of candidates) {
    const trace = markerTrace(engine.getEvents(candidate.id), related.markerIds);
    const state = observedState(engine, candidate.id);
    const traceOk = sameMultiset(trace, related.expectedTrace);
    const stateOk = related.expect === undefined || accepts(related.expect, state);
    if (traceOk && stateOk) return undefined;
    observed.push(`${candidate.id}: ${state} ${formatTrace(trace)}`);
  }
  if (related.startedBy === 'callActivity' && mainId) {
    const parentTrace = markerTrace(engine.getEvents(mainId), related.markerIds);
    if (related.expectedTrace.length > 0 && sameMultiset(parentTrace, related.expectedTrace))
      return undefined;
    const variable = related.markerVariable;
    if (
      variable &&
      engine.getInstance(mainId)?.variables[variable] === true &&
      related.expectedTrace.length > 0
    ) {
      return undefined;
    }
  }
  const expected = `expected ${related.expect ?? 'any state'} ${formatTrace(related.expectedTrace)}`;
  if (candidates.length === 0) return `${label}: no instance was started (${expected})`;
  return `${label}: ${expected}, got ${observed.join('; ')}`;
}
