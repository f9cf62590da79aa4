/**
 * The slice of `@safeflow/engine` the conformance runner uses, loaded once. The runner depends only
 * on the documented host API (engine/README.md) and on `importBpmn` for import reports;
 * it reads results defensively, so that a missing optional export degrades the report instead of
 * crashing the run.
 */
import type {
  CommandResult,
  CorrelateResult,
  DeployResult,
  EngineOptions,
  IncidentView,
  InstanceView,
  JobView,
  StartOptions,
  StartResult,
  UserTaskView,
  Variables,
  EngineEvent,
} from '@safeflow/engine';

export type { EngineEvent, IncidentView, InstanceView, JobView, UserTaskView, Variables };

export interface ProblemLike {
  code: string;
  message: string;
  elementId?: string;
  line?: number;
  column?: number;
  severity?: string;
}

export interface UnsupportedLike {
  elementId: string;
  type: string;
  reason: string;
}

/** The Engine methods the runner calls. */
export interface ConformanceEngine {
  deploy(resources: Array<{ name: string; content: string | Uint8Array }>): Promise<DeployResult>;
  start(processId: string, options?: StartOptions): StartResult;
  getInstance(id: string): InstanceView | undefined;
  getEvents(id: string): readonly EngineEvent[];
  listInstances(): InstanceView[];
  openTasks(filter?: { instanceId?: string; elementId?: string }): UserTaskView[];
  activatableJobs(filter?: { type?: string; instanceId?: string }): JobView[];
  completeJob(jobKey: string, variables?: Variables): CommandResult;
  correlateMessage(message: {
    name: string;
    correlationKey?: string;
    variables?: Variables;
  }): CorrelateResult;
  broadcastSignal(name: string, variables?: Variables): CommandResult;
  nextTimerDue(): number | undefined;
  fireDueTimers(now: number): CommandResult;
  incidents(filter?: { instanceId?: string }): IncidentView[];
}

interface EngineModule {
  Engine: new (options?: EngineOptions) => ConformanceEngine;
  DeploymentError?: new (...args: never[]) => Error;
  importBpmn?: (source: string | Uint8Array, ...rest: unknown[]) => unknown;
}

let cached: Promise<EngineModule> | undefined;

export function engineModule(): Promise<EngineModule> {
  cached ??= import('@safeflow/engine').then((mod: unknown) => {
    const m = mod as Partial<EngineModule>;
    if (typeof m.Engine !== 'function') {
      throw new Error('@safeflow/engine does not export Engine (engine/src/index.ts)');
    }
    return m as EngineModule;
  });
  return cached;
}

export async function createEngine(clock: () => number): Promise<ConformanceEngine> {
  const { Engine } = await engineModule();
  return new Engine({ clock });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function toProblem(value: unknown): ProblemLike {
  if (!isRecord(value)) return { code: 'unknown', message: String(value) };
  const p: ProblemLike = {
    code: typeof value['code'] === 'string' ? value['code'] : 'unknown',
    message: typeof value['message'] === 'string' ? value['message'] : JSON.stringify(value),
  };
  if (typeof value['elementId'] === 'string') p.elementId = value['elementId'];
  if (typeof value['line'] === 'number') p.line = value['line'];
  if (typeof value['column'] === 'number') p.column = value['column'];
  if (typeof value['severity'] === 'string') p.severity = value['severity'];
  return p;
}

/** The structured problems of a refused deployment, or undefined when `error` is something else. */
export function deploymentProblems(error: unknown): ProblemLike[] | undefined {
  if (!isRecord(error) || !Array.isArray(error['problems'])) return undefined;
  return (error['problems'] as unknown[]).map(toProblem);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const frame = error.stack?.split('\n').find((line) => line.includes('/engine/src/'));
    return `${error.name}: ${error.message}${frame ? ` (${frame.trim()})` : ''}`;
  }
  return String(error);
}

export interface LoadedModel {
  /** Problems of every severity reported by the loader. */
  problems: ProblemLike[];
  processes: Array<{ id: string; isExecutable: boolean }>;
  unsupported: UnsupportedLike[];
}

/** What `importBpmn` says about a file: imported (deployable or not) or refused, with problems. */
export interface ImportedModel extends LoadedModel {
  status: 'imported' | 'not-deployable' | 'refused';
}

/**
 * Runs the engine's `importBpmn`. Throws when the engine does not export it (the report then shows
 * the file as crashed, which is what it is for the runner: no import could be tried).
 */
export async function importModel(source: string | Uint8Array): Promise<ImportedModel> {
  const { importBpmn } = await engineModule();
  if (typeof importBpmn !== 'function') {
    throw new Error('@safeflow/engine does not export importBpmn (engine/src/index.ts)');
  }
  const result: unknown = await importBpmn(source);
  if (!isRecord(result) || typeof result['ok'] !== 'boolean') {
    throw new Error(`importBpmn returned ${JSON.stringify(result)?.slice(0, 200)}`);
  }
  const model = describeModel(result);
  const status = !result['ok']
    ? 'refused'
    : result['deployable'] === false
      ? 'not-deployable'
      : 'imported';
  return { ...model, status };
}

function collectProcesses(value: unknown): unknown[] {
  if (!isRecord(value)) return [];
  if (Array.isArray(value['processes'])) return value['processes'] as unknown[];
  for (const key of ['definitions', 'compiled', 'model', 'result']) {
    const inner = value[key];
    if (isRecord(inner) && Array.isArray(inner['processes']))
      return inner['processes'] as unknown[];
  }
  return [];
}

function collectProblems(value: unknown): unknown[] {
  if (!isRecord(value)) return [];
  const out: unknown[] = [];
  for (const key of ['problems', 'errors', 'warnings']) {
    if (Array.isArray(value[key])) out.push(...(value[key] as unknown[]));
  }
  return out;
}

/** Processes, unsupported elements and problems of an `importBpmn` (or `loadBpmn`) result. */
function describeModel(result: unknown): LoadedModel {
  const processes = collectProcesses(result).filter(isRecord);
  const unsupported: UnsupportedLike[] = [];
  for (const process of processes) {
    const list = process['unsupported'];
    if (!Array.isArray(list)) continue;
    for (const u of list as unknown[]) {
      if (!isRecord(u)) continue;
      unsupported.push({
        elementId: String(u['elementId'] ?? '?'),
        type: String(u['type'] ?? '?'),
        reason: String(u['reason'] ?? ''),
      });
    }
  }
  return {
    problems: collectProblems(result).map(toProblem),
    processes: processes.map((p) => ({
      id: String(p['id']),
      isExecutable: p['isExecutable'] !== false,
    })),
    unsupported,
  };
}
