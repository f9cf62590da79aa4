/**
 * Suite `engine`: SafeFlow's Engine vs bpmn-engine on the hot-work-permit model.
 *  - throughput: instances driven one after another from start to end (every user task and
 *    service task completed, `level` alternating special/normal), a warm-up per engine, then
 *    timed runs in rounds that alternate the engines; the median of the rounds is reported;
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
  emptyStats,
  readModel,
  SAFEFLOW_MODEL_PATH,
  verifySameWork,
  verifyStats,
  type WorkStats,
} from './engine/permit-model.js';

type EngineKey = 'safeflow' | 'bpmn-engine';

interface ThroughputResult {
  name: string;
  /** One timed run per round. */
  rounds: PhaseResult[];
  /** Median instances/s over the rounds. */
  perSecond: number;
  /** Work of the last round (per-instance work is the same in every round). */
  stats: WorkStats;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

interface Contender {
  driver: InstanceDriver;
  /** Next instance index (levels keep alternating across phases). */
  nextIndex: number;
  rounds: PhaseResult[];
  stats: WorkStats;
}

async function runPhase(c: Contender, phase: string, durationMs: number): Promise<PhaseResult> {
  c.driver.resetStats();
  const result = await runFor((i) => c.driver.runOne(i), durationMs, c.nextIndex);
  c.nextIndex += result.count;
  const stats = c.driver.stats;
  verifyStats(c.driver.name, phase, stats);
  if (stats.ended !== result.count)
    throw new Error(
      `${c.driver.name} ${phase}: ${result.count} runs but ${stats.ended} instances ended`,
    );
  c.stats = stats;
  return result;
}

/** Warm-up per engine, then `rounds` timed runs, alternating engines round by round (evens out drift and noise). */
async function measureThroughput(
  drivers: InstanceDriver[],
  warmUpMs: number,
  timedMs: number,
  rounds: number,
): Promise<ThroughputResult[]> {
  const contenders: Contender[] = drivers.map((driver) => ({
    driver,
    nextIndex: 0,
    rounds: [],
    stats: emptyStats(),
  }));
  for (const c of contenders) {
    const warm = await runPhase(c, 'warm-up', warmUpMs);
    console.log(
      `  warm-up ${c.driver.name}: ${formatCount(warm.count)} instances (${formatRate(warm.perSecond)} inst/s)`,
    );
  }
  for (let round = 1; round <= rounds; round++) {
    for (const c of contenders) {
      const timed = await runPhase(c, `timed run ${round}`, timedMs);
      c.rounds.push(timed);
      console.log(
        `  round ${round} ${c.driver.name}: ${formatRate(timed.perSecond)} inst/s — ${formatCount(timed.count)} instances ended in ` +
          `${(timed.elapsedMs / 1000).toFixed(2)} s; ${describeWork(c.stats)}`,
      );
    }
  }
  return contenders.map((c) => ({
    name: c.driver.name,
    rounds: c.rounds,
    perSecond: median(c.rounds.map((r) => r.perSecond)),
    stats: c.stats,
  }));
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
    const rounds = Math.round(numberFlag(flags, 'rounds', 3));
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
        `level alternating special/normal; ` +
        `${warmUpMs / 1000} s warm-up per engine, then ${rounds} rounds of ${timedMs / 1000} s timed per engine, engines alternating; median reported`,
    );

    const drivers: InstanceDriver[] = [];
    for (const key of engines) drivers.push(await createDriver(key));
    const measured = await measureThroughput(drivers, warmUpMs, timedMs, rounds);
    const results = new Map<EngineKey, ThroughputResult>();
    engines.forEach((key, i) => {
      const r = measured[i];
      if (r) results.set(key, r);
    });
    for (const r of measured) {
      const total = r.rounds.reduce((sum, p) => sum + p.count, 0);
      console.log(
        `  ${r.name}: median ${formatRate(r.perSecond)} inst/s over ${r.rounds.length} rounds (${formatCount(total)} instances ended)`,
      );
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
      const ratio = ours.perSecond / peer.perSecond;
      console.log(
        `engine: ${formatRate(ours.perSecond)} inst/s vs bpmn-engine ${formatRate(peer.perSecond)} inst/s = ${formatRatio(ratio)}x`,
      );
    }
  },
};

export default suite;
