/** Runs the corpora through worker pools and gathers the outcomes for the report and the tests. */
import { basename } from 'node:path';
import { availableParallelism } from 'node:os';

import { caseId, loadBetsyCases, type BetsyCase, type Tier } from './betsy-cases.js';
import type { BetsyCaseResult } from './betsy-case-runner.js';
import { isParseOnly, loadManifest, type Camunda8RunOutcome } from './camunda8-runner.js';
import { corpusFiles, corpusNames, type CorpusName } from './corpus-paths.js';
import type { ImportCheck, ImportOutcome } from './import-check.js';
import { WorkerPool } from './worker-pool.js';

export const IMPORT_TIMEOUT_MS = 30_000;
export const BETSY_CASE_TIMEOUT_MS = 30_000;
export const CAMUNDA8_RUN_TIMEOUT_MS = 90_000;

export interface ConformanceResults {
  root: string;
  imports: Record<CorpusName, ImportOutcome[]>;
  camunda8Runs: Camunda8RunOutcome[];
  betsy: BetsyCaseResult[];
  durationMs: number;
}

export interface RunOptions {
  corpora?: readonly CorpusName[];
  /** Betsy tiers to run (default all). */
  tiers?: readonly Tier[];
  /** Only betsy cases whose id (`Test#n`) or test name matches. */
  betsyFilter?: RegExp;
  poolSize?: number;
  /** Import every file of the selected corpora (default true); false runs only camunda8/betsy executions. */
  imports?: boolean;
  onProgress?: (line: string) => void;
}

function failedImport(
  corpus: CorpusName,
  path: string,
  check: ImportCheck,
  failure: string,
): ImportOutcome {
  return {
    corpus,
    file: basename(path),
    check,
    status: 'crashed',
    problems: [],
    warnings: [],
    processes: [],
    unsupported: [],
    importer: 'not run',
    javascript: [],
    crash: `runner: ${failure}`,
  };
}

function failedCase(c: BetsyCase, failure: string): BetsyCaseResult {
  return {
    id: caseId(c),
    test: c.test,
    case: c.case,
    tier: c.tier,
    group: c.group,
    model: c.model,
    pass: false,
    reasons: [`runner: ${failure}`],
    notes: [],
    state: 'not-run',
    expect: Array.isArray(c.expect) ? c.expect : [c.expect],
    trace: [],
    expectedTrace: c.expectedTrace,
    order: c.order,
    timersFired: 0,
    virtualMs: 0,
  };
}

/**
 * Which check a corpus file gets (README rules): `importBpmn` for the import corpora (miwg,
 * miwg-vendor, bpmn-engine) and camunda8's parse-only fixtures; a deployment for the executable
 * camunda8 models and betsy, which must run.
 */
function importCheck(root: string, corpus: CorpusName): (path: string) => ImportCheck {
  if (corpus === 'betsy') return () => 'deploy';
  if (corpus !== 'camunda8') return () => 'import';
  const parseOnly = new Set(
    loadManifest(root)
      .filter(isParseOnly)
      .map((e) => basename(e.file)),
  );
  return (path) => (parseOnly.has(basename(path)) ? 'import' : 'deploy');
}

export async function runConformance(
  root: string,
  options: RunOptions = {},
): Promise<ConformanceResults> {
  const started = performance.now();
  const corpora = options.corpora ?? corpusNames;
  const size = options.poolSize ?? Math.max(1, Math.min(4, availableParallelism()));
  const progress = options.onProgress ?? (() => undefined);
  const pool = new WorkerPool({ size });
  const camundaPool = new WorkerPool({ size: 1 });
  const results: ConformanceResults = {
    root,
    imports: { miwg: [], 'miwg-vendor': [], 'bpmn-engine': [], camunda8: [], betsy: [] },
    camunda8Runs: [],
    betsy: [],
    durationMs: 0,
  };
  try {
    for (const corpus of options.imports === false ? [] : corpora) {
      const files = corpusFiles(root, corpus);
      const check = importCheck(root, corpus);
      results.imports[corpus] = await Promise.all(
        files.map(async (path) => {
          const outcome = await pool.run<ImportOutcome>(
            { kind: 'import', corpus, path, check: check(path) },
            IMPORT_TIMEOUT_MS,
          );
          return outcome.ok
            ? outcome.value
            : failedImport(corpus, path, check(path), outcome.failure);
        }),
      );
      progress(`${corpus}: ${files.length} files imported`);
    }

    if (corpora.includes('camunda8')) {
      for (const entry of loadManifest(root)) {
        const file = basename(entry.file);
        const outcome = await camundaPool.run<Camunda8RunOutcome>(
          { kind: 'camunda8-run', root, file: entry.file },
          CAMUNDA8_RUN_TIMEOUT_MS,
        );
        results.camunda8Runs.push(
          outcome.ok
            ? outcome.value
            : {
                file,
                deployedShared: false,
                runs: [
                  {
                    processId: '*',
                    how: entry.startHow,
                    verdict: 'not-reached',
                    expected: Object.values(entry.firstWaitStates).flat(),
                    missing: Object.values(entry.firstWaitStates).flat(),
                    active: [],
                    jobs: [],
                    tasks: [],
                    eventWaits: [],
                    completedListenerJobs: [],
                    note: `runner: ${outcome.failure}`,
                  },
                ],
              },
        );
      }
      progress(`camunda8: ${results.camunda8Runs.length} models started`);
    }

    if (corpora.includes('betsy')) {
      const tiers = options.tiers;
      const cases = loadBetsyCases(root).filter(
        (c) =>
          (!tiers || tiers.includes(c.tier)) &&
          (!options.betsyFilter ||
            options.betsyFilter.test(caseId(c)) ||
            options.betsyFilter.test(c.test)),
      );
      results.betsy = await Promise.all(
        cases.map(async (c) => {
          const outcome = await pool.run<BetsyCaseResult>(
            { kind: 'betsy-case', root, caseId: caseId(c) },
            BETSY_CASE_TIMEOUT_MS,
          );
          return outcome.ok ? outcome.value : failedCase(c, outcome.failure);
        }),
      );
      progress(`betsy: ${results.betsy.length} cases run`);
    }
  } finally {
    await Promise.all([pool.close(), camundaPool.close()]);
  }
  results.durationMs = Math.round(performance.now() - started);
  return results;
}
