/**
 * bpmn-engine on the same model in its own conventions: service tasks call
 * `environment.services.<name>(executionContext, callback)`, the gateway condition is a
 * JavaScript script, and user tasks wait until their API is signalled.
 *
 * bpmn-engine runs one definition execution per Engine, so each instance is a new Engine.
 * The XML is parsed once and the serialized model (sourceContext) is shared by all of them —
 * the same "deploy once, start many" work SafeFlow does.
 */
import { EventEmitter } from 'node:events';
import { Engine as BpmnEngine, type BpmnEngineOptions } from 'bpmn-engine';
import type { InstanceDriver } from './driver.js';
import {
  emptyStats,
  FIRST_TASK_ID,
  levelFor,
  PROCESS_ID,
  SERVICE_RESULT,
  SPECIAL_TASK_ID,
  TASK_RESULT,
  type WorkStats,
} from './permit-model.js';

/** The part of bpmn-engine's element API the bench uses. */
interface ElementApi {
  id: string;
  type: string;
  signal(message?: unknown): void;
}

type SerializableContext = NonNullable<BpmnEngineOptions['sourceContext']>;

type ServiceCallback = (err: Error | null, result?: unknown) => void;

async function parseOnce(xml: string): Promise<SerializableContext> {
  const parser = new BpmnEngine({ name: 'permit-parser', source: xml });
  const definitions = await parser.getDefinitions();
  const definition = definitions[0];
  if (definitions.length !== 1 || !definition)
    throw new Error(`bpmn-engine: expected 1 definition, got ${definitions.length}`);
  const processes = definition.getProcesses();
  if (!processes.some((p) => p.id === PROCESS_ID))
    throw new Error(`bpmn-engine: model has no process ${PROCESS_ID}`);
  return definition.context.definitionContext;
}

function makeServices(
  stats: () => WorkStats,
): Record<string, (ctx: unknown, next: ServiceCallback) => void> {
  const complete = (_ctx: unknown, next: ServiceCallback): void => {
    stats().serviceCalls++;
    next(null, SERVICE_RESULT);
  };
  return { gasAnalysis: complete, issuePermit: complete };
}

/** Runs one instance in a fresh Engine; resolves once the engine has reported 'end'. */
function execute(
  sourceContext: SerializableContext,
  services: ReturnType<typeof makeServices>,
  listener: EventEmitter,
  index: number,
): { engine: BpmnEngine; ended: Promise<void> } {
  const engine = new BpmnEngine({ name: `permit-${index}`, sourceContext, services });
  const ended = new Promise<void>((resolve, reject) => {
    engine.once('end', () => resolve());
    engine.once('error', (err: unknown) =>
      reject(err instanceof Error ? err : new Error(String(err))),
    );
    engine.execute({ listener, variables: { level: levelFor(index) } }).catch(reject);
  });
  return { engine, ended };
}

export async function createBpmnEngineDriver(xml: string): Promise<InstanceDriver> {
  const sourceContext = await parseOnce(xml);
  let stats: WorkStats = emptyStats();
  const services = makeServices(() => stats);
  let unexpected: string | undefined;

  // One listener for all instances: user tasks are completed as soon as they wait.
  const listener = new EventEmitter();
  listener.on('wait', (api: ElementApi) => {
    if (api.type !== 'bpmn:UserTask') {
      unexpected ??= `${api.type} ${api.id} waited`;
      return;
    }
    stats.userTasks++;
    if (api.id === SPECIAL_TASK_ID) stats.specialApprovals++;
    api.signal(TASK_RESULT);
  });
  // An instance has reached its end when its end event has ended.
  listener.on('activity.end', (api: ElementApi) => {
    if (api.type === 'bpmn:EndEvent') stats.ended++;
  });

  return {
    name: 'bpmn-engine',
    get stats() {
      return stats;
    },
    async runOne(index) {
      stats.started++;
      if (levelFor(index) === 'special') stats.specialStarted++;
      const endedBefore = stats.ended;
      await execute(sourceContext, services, listener, index).ended;
      if (unexpected) throw new Error(`bpmn-engine: unexpected wait: ${unexpected}`);
      if (stats.ended !== endedBefore + 1) {
        throw new Error(`bpmn-engine: instance ${index} ended without passing its end event`);
      }
    },
    resetStats() {
      stats = emptyStats();
    },
  };
}

/** Memory probe: parks instances (one Engine each) at the first user task. */
export async function createBpmnEngineParker(xml: string): Promise<{
  warmUp(): Promise<void>;
  park(count: number): Promise<{ parked: number; keepAlive: unknown }>;
}> {
  const sourceContext = await parseOnce(xml);
  const warmDriver = await createBpmnEngineDriver(xml);
  const services = makeServices(emptyStats);
  let waiting = 0;
  const listener = new EventEmitter();
  listener.on('wait', (api: ElementApi) => {
    if (api.id === FIRST_TASK_ID) waiting++;
  });
  return {
    async warmUp() {
      for (let i = 0; i < 4; i++) await warmDriver.runOne(i);
    },
    async park(count) {
      const before = waiting;
      const engines: BpmnEngine[] = [];
      for (let i = 0; i < count; i++) {
        const { engine } = execute(sourceContext, services, listener, i);
        engines.push(engine);
      }
      // execute() parses nothing (shared sourceContext) but is async: let every execution reach its wait.
      await new Promise((resolve) => setImmediate(resolve));
      for (let spin = 0; waiting - before < count && spin < 1000; spin++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      return { parked: waiting - before, keepAlive: engines };
    },
  };
}
