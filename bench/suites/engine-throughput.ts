/**
 * Suite `engine`: SafeFlow's Engine vs bpmn-engine on the hot-work-permit model.
 *  - throughput: instances driven one after another from start to end (every user task and
 *    service task completed, `level` alternating special/normal), warm-up then a timed run;
 *  - memory per instance waiting at the first user task, measured in a child process.
 */
import { describeMachine, machineInfo } from '../lib/machine.js';
import { formatCount, formatRate, formatRatio } from '../lib/format.js';
import { runFor, type PhaseResult } from '../lib/measure.js';
import { numberFlag, parseFlags, type BenchSuite } from '../lib/suite.js';
import type { InstanceDriver } from './engine/driver.js';
import { measureMemory } from './engine/memory.js';
import {
  BPMN_ENGINE_MODEL_PATH,
  describeWork,
  readModel,
  SAFEFLOW_MODEL_PATH,
  verifySameWork,
  verifyStats,
  type WorkStats,
} from './engine/permit-model.js';

type EngineKey = 'safeflow' | 'bpmn-engine';

interface ThroughputResult {
  name: string;
  timed: PhaseResult;
  stats: WorkStats;
}

async function measureThroughput(driver: InstanceDriver, warmUpMs: number, timedMs: number): Promise<ThroughputResult> {
  const runOne = (i: number) => driver.runOne(i);
  driver.resetStats();
  const warm = await runFor(runOne, warmUpMs);
  verifyStats(driver.name, 'warm-up', driver.stats);
  driver.resetStats();
  const timed = await runFor(runOne, timedMs, warm.count);
  const stats = driver.stats;
  verifyStats(driver.name, 'timed run', stats);
  if (stats.ended !== timed.count) throw new Error(`${driver.name}: ${timed.count} runs but ${stats.ended} instances ended`);
  console.log(
    `  ${driver.name}: ${formatRate(timed.perSecond)} inst/s — ${formatCount(timed.count)} instances ended in ` +
      `${(timed.elapsedMs / 1000).toFixed(2)} s (after ${formatCount(warm.count)} warm-up instances); ${describeWork(stats)}`,
  );
  return { name: driver.name, timed, stats };
}

/** Drivers are loaded lazily so that `--only=<engine>` never loads the other engine. */
async function createDriver(key: EngineKey): Promise<InstanceDriver> {
  if (key === 'safeflow') {
    const { createSafeFlowDriver } = await import('./engine/safeflow-driver.js');
    return createSafeFlowDriver(await readModel(SAFEFLOW_MODEL_PATH));
  }
  const { createBpmnEngineDriver } = await import('./engine/bpmn-engine-driver.js');
  return createBpmnEngineDriver(await readModel(BPMN_ENGINE_MODEL_PATH));
}

const suite: BenchSuite = {
  async run(args) {
    const flags = parseFlags(args);
    const timedMs = numberFlag(flags, 'seconds', 5) * 1000;
    const warmUpMs = numberFlag(flags, 'warmup-seconds', 2) * 1000;
    const memoryCount = numberFlag(flags, 'memory-count', 100_000);
    const peerMemoryCount = numberFlag(flags, 'peer-memory-count', 2_000);
    const only = flags.get('only');
    if (only !== undefined && only !== 'safeflow' && only !== 'bpmn-engine') {
      throw new Error(`--only must be safeflow or bpmn-engine (got "${only}")`);
    }
    const engines: EngineKey[] = only ? [only] : ['safeflow', 'bpmn-engine'];

    console.log(`== engine: SafeFlow Engine vs bpmn-engine (${new Date().toISOString()})`);
    console.log(describeMachine(machineInfo()));
    console.log(`models: ${SAFEFLOW_MODEL_PATH} | ${BPMN_ENGINE_MODEL_PATH}`);
    console.log(
      `throughput: instances run one after another (start → every user task and service task completed → end), ` +
        `level alternating special/normal; ${warmUpMs / 1000} s warm-up, then ${timedMs / 1000} s timed, per engine`,
    );

    const results = new Map<EngineKey, ThroughputResult>();
    for (const key of engines) {
      const driver = await createDriver(key);
      results.set(key, await measureThroughput(driver, warmUpMs, timedMs));
    }
    const ours = results.get('safeflow');
    const peer = results.get('bpmn-engine');
    if (ours && peer) verifySameWork(ours, peer);

    if (!flags.has('no-memory')) {
      for (const key of engines) {
        const count = key === 'safeflow' ? memoryCount : peerMemoryCount;
        const m = await measureMemory(key, count);
        const name = key === 'safeflow' ? 'engine' : 'bpmn-engine';
        console.log(
          `${name} memory: ${Math.round(m.bytesPerInstance)} bytes per waiting instance ` +
            `(${formatCount(m.count)} instances parked at a user task)`,
        );
      }
    }

    if (ours && peer) {
      const ratio = ours.timed.perSecond / peer.timed.perSecond;
      console.log(
        `engine: ${formatRate(ours.timed.perSecond)} inst/s vs bpmn-engine ${formatRate(peer.timed.perSecond)} inst/s = ${formatRatio(ratio)}x`,
      );
    }
  },
};

export default suite;
