/**
 * Benchmark dispatcher: `npm run bench -- <suite> [<suite>...] [--flags]`.
 * Each suite lives in bench/suites/ and default-exports a BenchSuite; register it below.
 */
import type { BenchSuite } from './lib/suite.js';

interface SuiteEntry {
  description: string;
  load: () => Promise<{ default: BenchSuite }>;
}

const SUITES: Record<string, SuiteEntry> = {
  engine: {
    description:
      'SafeFlow Engine vs bpmn-engine: instances/s on the permit model, memory per waiting instance',
    load: () => import('./suites/engine-throughput.js'),
  },
  api: {
    description:
      'runtime service over HTTP (autocannon), sqlite and PostgreSQL: flows/s, start and complete latency, vs the bare engine',
    load: () => import('./suites/api-throughput.js'),
  },
};

function usage(): string {
  const names = Object.keys(SUITES);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'usage: npm run bench -- <suite> [<suite>...] [--flags]',
    '',
    'suites:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${SUITES[n]?.description ?? ''}`),
    '',
    'engine flags: --seconds=<n> (each timed run, default 5), --rounds=<n> (default 3), --warmup-seconds=<n> (default 2),',
    '              --only=safeflow|bpmn-engine, --memory-count=<n> (default 100000),',
    '              --peer-memory-count=<n> (default 2000), --no-memory',
    'api flags:    --seconds=<n> (each measurement, default 5), --warmup-seconds=<n> (default 2),',
    '              --connections=<n> (default 10), --only=sqlite|postgres',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const names = argv.filter((a) => !a.startsWith('--'));
  const flags = argv.filter((a) => a.startsWith('--'));
  if (flags.includes('--help') || names.length === 0) {
    console.log(usage());
    return names.length === 0 && !flags.includes('--help') ? 1 : 0;
  }
  const unknown = names.filter((n) => !Object.hasOwn(SUITES, n));
  if (unknown.length > 0) {
    console.error(`unknown suite${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}\n`);
    console.error(usage());
    return 1;
  }
  for (const name of names) {
    const entry = SUITES[name];
    if (!entry) continue;
    const suite = (await entry.load()).default;
    await suite.run(flags);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('bench failed:', err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  },
);
