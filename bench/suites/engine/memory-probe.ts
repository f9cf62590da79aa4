/**
 * Child-process entry of the memory measurement (needs --expose-gc):
 *   node --expose-gc --conditions=source --import tsx bench/suites/engine/memory-probe.ts <safeflow|bpmn-engine> <count>
 * Parks <count> instances at the first user task and prints one JSON line (MemoryProbeResult).
 */
import { BPMN_ENGINE_MODEL_PATH, readModel, SAFEFLOW_MODEL_PATH } from './permit-model.js';

export interface MemoryProbeResult {
  engine: 'safeflow' | 'bpmn-engine';
  count: number;
  parked: number;
  heapUsedBefore: number;
  heapUsedAfter: number;
  bytesPerInstance: number;
}

async function settledHeapUsed(): Promise<number> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('memory probe needs node --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

async function probe(engine: string, count: number): Promise<MemoryProbeResult> {
  // Each engine is loaded only when probed, so the child holds one engine's code only.
  if (engine === 'safeflow') {
    const { createSafeFlowParker } = await import('./safeflow-driver.js');
    const parker = await createSafeFlowParker(await readModel(SAFEFLOW_MODEL_PATH));
    parker.warmUp();
    const heapUsedBefore = await settledHeapUsed();
    const { parked, keepAlive } = parker.park(count);
    const heapUsedAfter = await settledHeapUsed();
    return result('safeflow', count, parked, heapUsedBefore, heapUsedAfter, keepAlive);
  }
  if (engine === 'bpmn-engine') {
    const { createBpmnEngineParker } = await import('./bpmn-engine-driver.js');
    const parker = await createBpmnEngineParker(await readModel(BPMN_ENGINE_MODEL_PATH));
    await parker.warmUp();
    const heapUsedBefore = await settledHeapUsed();
    const { parked, keepAlive } = await parker.park(count);
    const heapUsedAfter = await settledHeapUsed();
    return result('bpmn-engine', count, parked, heapUsedBefore, heapUsedAfter, keepAlive);
  }
  throw new Error(`unknown engine "${engine}" (safeflow | bpmn-engine)`);
}

function result(
  engine: MemoryProbeResult['engine'],
  count: number,
  parked: number,
  heapUsedBefore: number,
  heapUsedAfter: number,
  keepAlive: unknown,
): MemoryProbeResult {
  // Touch the parked instances after the measurement so they cannot be collected before it.
  if (keepAlive === undefined) throw new Error('nothing was kept alive');
  if (parked !== count)
    throw new Error(
      `${engine}: ${count} instances started but ${parked} are waiting at the first user task`,
    );
  return {
    engine,
    count,
    parked,
    heapUsedBefore,
    heapUsedAfter,
    bytesPerInstance: (heapUsedAfter - heapUsedBefore) / count,
  };
}

const [engineArg = '', countArg = ''] = process.argv.slice(2);
const count = Number(countArg);
if (!Number.isInteger(count) || count <= 0) {
  console.error('usage: memory-probe.ts <safeflow|bpmn-engine> <count>');
  process.exit(2);
}
probe(engineArg, count).then(
  (r) => console.log(JSON.stringify(r)),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  },
);
