/**
 * The camunda8 corpus: every file deploys into one shared Engine (so call activities resolve), then
 * each executable process is started as the manifest's `startHow` says, with its `startVariables`,
 * and must reach its `firstWaitStates` (active elements, open user tasks, jobs).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { corpusFiles } from './corpus-paths.js';
import {
  createEngine,
  deploymentProblems,
  describeError,
  type ConformanceEngine,
  type EngineEvent,
  type InstanceView,
} from './engine-access.js';

export interface ManifestEntry {
  file: string;
  processIds: string[];
  executable: boolean;
  executableByProcess: Record<string, boolean>;
  jobTypes: string[];
  implicitJobTypes?: string[];
  /** Execution/task listener jobs as `kind:eventType:type` (e.g. `executionListener:end:migrator`). */
  listenerJobTypes?: string[];
  startHow: string;
  startVariables: Record<string, unknown> | null;
  firstWaitStates: Record<string, string[]>;
  messages: Array<{ name: string; correlationKey: string | null; usedBy: string[] }>;
}

/** The three zeebe-bpmn-moddle fixtures without a start event: imported, never started. */
export function isParseOnly(entry: ManifestEntry): boolean {
  return entry.startVariables === null || /not startable/.test(entry.startHow);
}

/** The job type SafeFlow gives business-rule tasks with `zeebe:calledDecision` (host decision). */
export const DECISION_JOB_TYPE = 'safeflow:decision';

/**
 * Decisions this host can evaluate. The corpus ships no DMN (`calledDecisions[].dmnInRepo` points at
 * the source repositories), so none: a decision job is where the host stops, as Zeebe itself would
 * stop there with an incident when the decision is not deployed.
 */
const AVAILABLE_DECISIONS: ReadonlySet<string> = new Set();

export function loadManifest(root: string): ManifestEntry[] {
  return JSON.parse(
    readFileSync(join(root, 'camunda8', 'manifest.json'), 'utf8'),
  ) as ManifestEntry[];
}

export interface ProcessRun {
  processId: string;
  how: string;
  /** `reached`, `not-reached`, or `skipped` (not startable by design). */
  verdict: 'reached' | 'not-reached' | 'skipped';
  expected: string[];
  missing: string[];
  state?: string;
  active: string[];
  jobs: Array<{ elementId: string; type: string }>;
  tasks: string[];
  /** Catch events waiting for a message, signal or timer (open subscriptions). */
  eventWaits: string[];
  /** Listener jobs the runner completed as their worker would (`elementId:type`). */
  completedListenerJobs: string[];
  /** Where the host stopped before the first wait states (`stopped at host decision job <id>`). */
  hostStop?: string;
  note: string;
}

export interface Camunda8RunOutcome {
  file: string;
  /** Whether the file is part of the shared deployment. */
  deployedShared: boolean;
  runs: ProcessRun[];
}

const CAMUNDA8_EPOCH = Date.UTC(2026, 0, 5, 9, 0, 0);

interface SharedEngine {
  engine: ConformanceEngine;
  deployed: Set<string>;
  clock: { now: number };
  /** How the shared deployment went (all at once, or file by file after a refusal). */
  mode: string;
}

let shared: Promise<SharedEngine> | undefined;

/** One Engine per worker with every deployable camunda8 file. */
function sharedEngine(root: string): Promise<SharedEngine> {
  shared ??= (async () => {
    const clock = { now: CAMUNDA8_EPOCH };
    const engine = await createEngine(() => clock.now);
    const files = corpusFiles(root, 'camunda8');
    const resources = files.map((path) => ({
      name: basename(path),
      content: new Uint8Array(readFileSync(path)),
    }));
    const deployed = new Set<string>();
    try {
      await engine.deploy(resources);
      for (const r of resources) deployed.add(r.name);
      return { engine, deployed, clock, mode: 'all files in one deployment' };
    } catch (error) {
      if (!deploymentProblems(error)) throw error;
    }
    // One refused file refuses the whole deployment: deploy the others one by one.
    for (const resource of resources) {
      try {
        await engine.deploy([resource]);
        deployed.add(resource.name);
      } catch {
        // reported by the per-file import
      }
    }
    return { engine, deployed, clock, mode: 'file by file (the combined deployment was refused)' };
  })();
  return shared;
}

/** Catch events with an open message/signal subscription or a pending timer, read from the log. */
export function openEventWaits(events: readonly EngineEvent[]): string[] {
  const open = new Map<string, string>();
  for (const e of events) {
    const p = e.payload ?? {};
    const sub = p['subscription'] as { id?: string } | undefined;
    const timer = p['timer'] as { id?: string } | undefined;
    if (e.type === 'subscription.opened' && sub?.id && e.elementId)
      open.set(`s:${sub.id}`, e.elementId);
    else if (e.type === 'subscription.closed') open.delete(`s:${String(p['subscriptionId'])}`);
    else if (e.type === 'timer.scheduled' && timer?.id && e.elementId)
      open.set(`t:${timer.id}`, e.elementId);
    else if (e.type === 'timer.cancelled' || (e.type === 'timer.fired' && !p['next'])) {
      open.delete(`t:${String(p['timerId'])}`);
    }
  }
  return [...new Set(open.values())];
}

/** The element id a manifest wait state names (`"id"` or `"id (explanation)"`), if any. */
export function waitStateId(text: string): string | undefined {
  return /^([\w.-]+)(?:\s*\(.*)?$/s.exec(text.trim())?.[1];
}

/** Job types a wait state names (`startEvent (end execution listener job, type "migrator")`). */
export function waitStateJobTypes(waits: readonly string[]): Set<string> {
  const types = new Set<string>();
  for (const w of waits) for (const m of w.matchAll(/type "([^"]+)"/g)) types.add(m[1] ?? '');
  return types;
}

/**
 * Completes the instance's listener jobs (types from the manifest's `listenerJobTypes`) that are
 * not themselves a listed wait state, as the listener's worker would, until none is left: a
 * listener job before the first wait state is work, not the wait. Returns `elementId:type` of each.
 */
function completeListenerJobs(
  engine: ConformanceEngine,
  entry: ManifestEntry,
  instanceId: string,
  waits: readonly string[],
): string[] {
  const listenerTypes = new Set(
    (entry.listenerJobTypes ?? []).map((t) => t.split(':').slice(2).join(':')),
  );
  const waitTypes = waitStateJobTypes(waits);
  const done: string[] = [];
  for (let step = 0; step < 100; step++) {
    const job = engine
      .activatableJobs({ instanceId })
      .find((j) => listenerTypes.has(j.type) && !waitTypes.has(j.type));
    if (!job) break;
    const result = engine.completeJob(job.key);
    done.push(`${job.elementId}:${job.type}${result.ok ? '' : ` (refused: ${result.error.code})`}`);
    if (!result.ok) break;
  }
  return done;
}

function observe(
  engine: ConformanceEngine,
  view: InstanceView,
): Pick<ProcessRun, 'active' | 'jobs' | 'tasks' | 'eventWaits'> {
  return {
    eventWaits: openEventWaits(engine.getEvents(view.id)),
    active: [...view.activeElementIds],
    jobs: engine
      .activatableJobs({ instanceId: view.id })
      .map((j) => ({ elementId: j.elementId, type: j.type })),
    tasks: engine.openTasks({ instanceId: view.id }).map((t) => t.elementId),
  };
}

function messageFromStartHow(
  startHow: string,
  variables: Record<string, unknown>,
): { name: string; key?: string } | undefined {
  const m = /publishMessage name="([^"]+)"(?:\s+correlationKey=(?:"([^"]*)"|<(\w+)>))?/.exec(
    startHow,
  );
  if (!m?.[1]) return undefined;
  const out: { name: string; key?: string } = { name: m[1] };
  if (m[2] !== undefined) out.key = m[2];
  else if (m[3] !== undefined) out.key = String(variables[m[3]] ?? '');
  return out;
}

async function startProcess(
  env: SharedEngine,
  entry: ManifestEntry,
  processId: string,
): Promise<{ instance?: InstanceView; how: string; note: string }> {
  const { engine, clock } = env;
  const variables = structuredClone(entry.startVariables ?? {});
  const before = new Set(engine.listInstances().map((i) => i.id));
  const created = (): InstanceView | undefined =>
    engine.listInstances().find((i) => i.processId === processId && !before.has(i.id));

  if (/^timer start only/.test(entry.startHow)) {
    // Other models' timers share the engine: fire in due order until this process has an instance.
    const limit = clock.now + 60 * 60 * 1000;
    let note = '';
    for (let step = 0; step < 1000 && !created(); step++) {
      const due = engine.nextTimerDue();
      if (due === undefined || due > limit) break;
      clock.now = Math.max(clock.now, due);
      const fired = engine.fireDueTimers(clock.now);
      if (!fired.ok) note = `fireDueTimers refused: ${fired.error.message}`;
    }
    const instance = created();
    return instance
      ? { instance, how: 'timer start', note }
      : { how: 'timer start', note: note || 'no timer start fired within a virtual hour' };
  }
  if (/conditional/.test(entry.startHow) && /evaluat/.test(entry.startHow)) {
    const started = engine.start(processId, { variables });
    if (started.ok)
      return { instance: engine.getInstance(started.instanceId), how: 'createInstance', note: '' };
    return {
      how: 'conditional start',
      note: `conditional start events need a conditional-evaluation command the host API does not offer (start: ${started.error.code})`,
    };
  }
  const viaMessage = /^publishMessage/.test(entry.startHow);
  if (!viaMessage) {
    const started = engine.start(processId, { variables });
    if (started.ok)
      return { instance: engine.getInstance(started.instanceId), how: 'createInstance', note: '' };
    const message = messageFromStartHow(entry.startHow, variables);
    if (!message)
      return {
        how: 'createInstance',
        note: `start refused: ${started.error.code} ${started.error.message}`,
      };
  }
  const message = messageFromStartHow(entry.startHow, variables);
  if (!message)
    return {
      how: 'publishMessage',
      note: `cannot read the start message from "${entry.startHow}"`,
    };
  const sent: { name: string; correlationKey?: string; variables: Record<string, unknown> } = {
    name: message.name,
    variables,
  };
  if (message.key !== undefined) sent.correlationKey = message.key;
  const result = engine.correlateMessage(sent);
  const instance = created();
  const how = `publishMessage ${message.name}`;
  if (!result.ok)
    return { how, note: `message refused: ${result.error.code} ${result.error.message}` };
  return instance ? { instance, how, note: '' } : { how, note: 'the message started no instance' };
}

export async function runCamunda8Model(
  root: string,
  entry: ManifestEntry,
): Promise<Camunda8RunOutcome> {
  const env = await sharedEngine(root);
  const file = basename(entry.file);
  const outcome: Camunda8RunOutcome = { file, deployedShared: env.deployed.has(file), runs: [] };
  for (const [processId, waits] of Object.entries(entry.firstWaitStates)) {
    const run: ProcessRun = {
      processId,
      how: entry.startHow,
      verdict: 'not-reached',
      expected: waits,
      missing: [],
      active: [],
      jobs: [],
      tasks: [],
      eventWaits: [],
      completedListenerJobs: [],
      note: '',
    };
    outcome.runs.push(run);
    if (entry.executableByProcess[processId] === false) {
      run.verdict = 'skipped';
      run.note = 'non-executable process';
      continue;
    }
    if (isParseOnly(entry)) {
      run.verdict = 'skipped';
      run.note = 'parse-only fixture (no start event)';
      continue;
    }
    if (!outcome.deployedShared) {
      run.note = 'not deployed';
      run.missing = waits;
      continue;
    }
    try {
      const started = await startProcess(env, entry, processId);
      run.how = started.how;
      run.note = started.note;
      if (started.instance) {
        run.completedListenerJobs = completeListenerJobs(
          env.engine,
          entry,
          started.instance.id,
          waits,
        );
      }
      const instance = started.instance ? env.engine.getInstance(started.instance.id) : undefined;
      if (!instance) {
        run.missing = waits;
        continue;
      }
      Object.assign(run, observe(env.engine, instance));
      run.state = instance.state;
      const incidents = env.engine.incidents({ instanceId: instance.id });
      if (incidents.length > 0) {
        run.state = 'incident';
        run.note = [
          run.note,
          ...incidents.map((i) => `incident ${i.type}@${i.elementId ?? '-'}: ${i.message}`),
        ]
          .filter(Boolean)
          .join('; ');
      }
      if (waits.length === 1 && /^none \(completes/.test(waits[0] ?? '')) {
        run.verdict = run.state === 'completed' ? 'reached' : 'not-reached';
        if (run.verdict !== 'reached') run.missing = ['(completion)'];
        continue;
      }
      const seen = new Set([
        ...run.active,
        ...run.jobs.map((j) => j.elementId),
        ...run.tasks,
        ...run.eventWaits,
      ]);
      const missing = (): string[] =>
        waits.filter((w) => {
          const id = waitStateId(w);
          return id === undefined || !seen.has(id);
        });
      run.missing = missing();
      // Waits listed for another start event of the same process (e.g. `also message start "X"`).
      const alsoMessage = /also message start "([^"]+)"/.exec(entry.startHow)?.[1];
      if (run.missing.length > 0 && alsoMessage && run.state === 'active') {
        const before = new Set(env.engine.listInstances().map((i) => i.id));
        env.engine.correlateMessage({
          name: alsoMessage,
          variables: structuredClone(entry.startVariables ?? {}),
        });
        const second = env.engine
          .listInstances()
          .find((i) => i.processId === processId && !before.has(i.id));
        if (second) {
          const more = observe(env.engine, second);
          for (const id of [
            ...more.active,
            ...more.jobs.map((j) => j.elementId),
            ...more.tasks,
            ...more.eventWaits,
          ]) {
            seen.add(id);
          }
          run.note = [
            run.note,
            `also started by message ${alsoMessage}: ${second.activeElementIds.join(', ')}`,
          ]
            .filter(Boolean)
            .join('; ');
          run.missing = missing();
        }
      }
      // An incident on another branch (as Zeebe would raise it too) does not undo the waits reached.
      const live =
        run.state === 'active' || (run.state === 'incident' && instance.state !== 'completed');
      run.verdict = run.missing.length === 0 && live ? 'reached' : 'not-reached';
      // The host answers decision jobs; without the decision it stops there (Zeebe: an incident).
      const decision = env.engine
        .activatableJobs({ instanceId: instance.id })
        .find(
          (j) =>
            j.type === DECISION_JOB_TYPE && !AVAILABLE_DECISIONS.has(j.headers['decisionId'] ?? ''),
        );
      if (run.verdict === 'not-reached' && decision) {
        run.hostStop = `stopped at host decision job ${decision.elementId}`;
        run.note = [
          run.note,
          `decision ${decision.headers['decisionId'] ?? '?'} is not available (the DMN is not in the corpus)`,
        ]
          .filter(Boolean)
          .join('; ');
      }
    } catch (error) {
      run.note = `engine threw: ${describeError(error)}`;
      run.missing = waits;
    }
  }
  return outcome;
}

export async function sharedDeploymentMode(root: string): Promise<string> {
  return (await sharedEngine(root)).mode;
}
