/**
 * `npm run conformance`: runs every model of `../shared/conformance/` through the engine, writes
 * `docs/conformance.md` and prints a summary.
 *
 * Options: `--corpus <name>` (repeatable), `--tier <core|camunda8|bpmn>` (repeatable),
 * `--case <regex>` (betsy cases by id `Test#n` or test name), `--no-write` (print only),
 * `--json <file>` (also write the raw results), `--jobs <n>` (worker threads).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { tiers, type Tier } from './betsy-cases.js';
import { runConformance } from './conformance-run.js';
import {
  conformanceRoot,
  CorpusMissingError,
  corpusNames,
  repoRoot,
  type CorpusName,
} from './corpus-paths.js';
import { formatSummary, renderReport, summarize } from './report-writer.js';

interface CliOptions {
  corpora?: CorpusName[];
  tiers?: Tier[];
  caseFilter?: RegExp;
  write: boolean;
  json?: string;
  jobs?: number;
}

function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { write: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--corpus') {
      const name = value();
      if (!(corpusNames as readonly string[]).includes(name))
        throw new Error(`unknown corpus ${name}`);
      (options.corpora ??= []).push(name as CorpusName);
    } else if (arg === '--tier') {
      const tier = value();
      if (!(tiers as readonly string[]).includes(tier)) throw new Error(`unknown tier ${tier}`);
      (options.tiers ??= []).push(tier as Tier);
    } else if (arg === '--case') options.caseFilter = new RegExp(value());
    else if (arg === '--no-write') options.write = false;
    else if (arg === '--json') options.json = value();
    else if (arg === '--jobs') options.jobs = Number(value());
    else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

async function main(): Promise<number> {
  const cli = parseArgs(process.argv.slice(2));
  let root: string;
  try {
    root = conformanceRoot();
  } catch (error) {
    if (error instanceof CorpusMissingError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const partial =
    cli.corpora !== undefined || cli.tiers !== undefined || cli.caseFilter !== undefined;
  const results = await runConformance(root, {
    ...(cli.corpora ? { corpora: cli.corpora } : {}),
    ...(cli.tiers ? { tiers: cli.tiers } : {}),
    ...(cli.caseFilter ? { betsyFilter: cli.caseFilter } : {}),
    ...(cli.jobs ? { poolSize: cli.jobs } : {}),
    onProgress: (line) => console.error(`[conformance] ${line}`),
  });
  const summary = summarize(results);
  if (cli.json) {
    mkdirSync(dirname(cli.json), { recursive: true });
    writeFileSync(cli.json, `${JSON.stringify(results, null, 2)}\n`);
  }
  if (cli.write && !partial) {
    const target = join(repoRoot, 'docs', 'conformance.md');
    writeFileSync(target, renderReport(results));
    console.error(`[conformance] report written to docs/conformance.md`);
  } else if (cli.write) {
    console.error('[conformance] partial run: docs/conformance.md not rewritten');
  }
  const failing = results.betsy.filter((r) => !r.pass);
  if (partial && failing.length > 0) {
    for (const r of failing) console.log(`FAIL ${r.id} [${r.tier}] ${r.reasons.join('; ')}`);
  }
  console.log(formatSummary(summary, results));
  console.log(`(${(results.durationMs / 1000).toFixed(1)} s)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
