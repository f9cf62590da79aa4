/** Summary figures and the Markdown report (`docs/conformance.md`) of a conformance run. */
import { tiers, type Tier } from './betsy-cases.js';
import type { BetsyCaseResult } from './betsy-case-runner.js';
import type { ConformanceResults } from './conformance-run.js';
import { corpusNames, type CorpusName } from './corpus-paths.js';
import type { ProblemLike, UnsupportedLike } from './engine-access.js';
import { javascriptVerdict, type ImportOutcome } from './import-check.js';
import { describeOrder, formatTrace } from './trace-compare.js';

export interface ImportSummary {
  files: number;
  imported: number;
  refused: number;
  crashed: number;
}

export interface TierSummary {
  cases: number;
  casesPassed: number;
  tests: number;
  testsPassed: number;
}

export interface Summary {
  imports: Record<CorpusName, ImportSummary>;
  javascriptRule: { ok: number; files: number };
  camunda8: { processes: number; reached: number; skipped: number };
  betsy: Record<Tier, TierSummary>;
}

export function summarize(results: ConformanceResults): Summary {
  const imports = {} as Record<CorpusName, ImportSummary>;
  for (const corpus of corpusNames) {
    const list = results.imports[corpus];
    imports[corpus] = {
      files: list.length,
      imported: list.filter((o) => o.status === 'imported').length,
      refused: list.filter((o) => o.status === 'refused').length,
      crashed: list.filter((o) => o.status === 'crashed').length,
    };
  }
  const bpmnEngine = results.imports['bpmn-engine'];
  const runs = results.camunda8Runs.flatMap((o) => o.runs);
  const betsy = {} as Record<Tier, TierSummary>;
  for (const tier of tiers) betsy[tier] = tierSummary(results.betsy.filter((r) => r.tier === tier));
  return {
    imports,
    javascriptRule: {
      ok: bpmnEngine.filter((o) => javascriptVerdict(o).ok).length,
      files: bpmnEngine.length,
    },
    camunda8: {
      processes: runs.filter((r) => r.verdict !== 'skipped').length,
      reached: runs.filter((r) => r.verdict === 'reached').length,
      skipped: runs.filter((r) => r.verdict === 'skipped').length,
    },
    betsy,
  };
}

function byTest(cases: readonly BetsyCaseResult[]): Map<string, BetsyCaseResult[]> {
  const map = new Map<string, BetsyCaseResult[]>();
  for (const c of cases) map.set(c.test, [...(map.get(c.test) ?? []), c]);
  return map;
}

function tierSummary(cases: readonly BetsyCaseResult[]): TierSummary {
  const tests = byTest(cases);
  return {
    cases: cases.length,
    casesPassed: cases.filter((c) => c.pass).length,
    tests: tests.size,
    testsPassed: [...tests.values()].filter((list) => list.every((c) => c.pass)).length,
  };
}

/** Console summary: per corpus, imported / refused, and for betsy the pass counts per tier. */
export function formatSummary(summary: Summary, results: ConformanceResults): string {
  const lines: string[] = ['SafeFlow conformance summary'];
  for (const corpus of corpusNames) {
    const s = summary.imports[corpus];
    if (s.files === 0) continue;
    lines.push(
      `  ${corpus.padEnd(12)} ${s.files} files: ${s.imported} imported, ${s.refused} refused` +
        (s.crashed > 0 ? `, ${s.crashed} CRASHED` : ''),
    );
  }
  if (summary.javascriptRule.files > 0) {
    lines.push(
      `  bpmn-engine  FEEL-only rule respected in ${summary.javascriptRule.ok}/${summary.javascriptRule.files} files`,
    );
  }
  if (results.camunda8Runs.length > 0) {
    const c = summary.camunda8;
    lines.push(
      `  camunda8     first wait states reached: ${c.reached}/${c.processes} processes (${c.skipped} not startable by design)`,
    );
  }
  for (const tier of tiers) {
    const t = summary.betsy[tier];
    if (t.cases === 0) continue;
    lines.push(
      `  betsy ${tier.padEnd(8)} cases ${t.casesPassed}/${t.cases} passed, tests fully passed ${t.testsPassed}/${t.tests}`,
    );
  }
  return lines.join('\n');
}

const cell = (text: string): string =>
  text
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim();

function problemText(p: ProblemLike): string {
  const where = [p.elementId, p.line !== undefined ? `line ${p.line}` : undefined]
    .filter(Boolean)
    .join(', ');
  return `\`${p.code}\`${where ? ` (${where})` : ''}: ${p.message}`;
}

function unsupportedText(list: readonly UnsupportedLike[]): string {
  const byType = new Map<string, string[]>();
  for (const u of list) byType.set(u.type, [...(byType.get(u.type) ?? []), u.elementId]);
  return [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([type, ids]) =>
        `${type} ×${ids.length} (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''})`,
    )
    .join('; ');
}

function importRow(o: ImportOutcome, extra?: string): string {
  let result: string;
  if (o.status === 'imported') {
    result = 'imported';
    const warnings = o.warnings.length;
    if (warnings > 0) result += ` (${warnings} warning${warnings > 1 ? 's' : ''})`;
  } else if (o.status === 'refused') {
    const errors = o.problems.filter((p) => p.severity !== 'warning');
    const warnings = o.problems.length - errors.length;
    result = `refused: ${errors.map(problemText).join('; ')}`;
    if (warnings > 0) result += ` (+${warnings} warning${warnings > 1 ? 's' : ''})`;
  } else {
    result = `**CRASHED**: ${o.crash ?? 'unknown'}`;
  }
  const executable = o.processes.filter((p) => p.isExecutable).length;
  const processes =
    o.processes.length > 0 ? `${o.processes.length} (${executable} executable)` : '–';
  const columns = [`\`${o.file}\``, result, processes, unsupportedText(o.unsupported) || '–'];
  if (extra !== undefined) columns.push(extra);
  return `| ${columns.map(cell).join(' | ')} |`;
}

function importSection(
  corpus: CorpusName,
  list: readonly ImportOutcome[],
  intro: string,
): string[] {
  const lines = [`## ${corpus}/`, '', intro, ''];
  if (list.length === 0) return [...lines, '_not run_', ''];
  const withJs = corpus === 'bpmn-engine';
  lines.push(
    withJs
      ? '| file | import | processes | not executed by the engine | FEEL-only rule |'
      : '| file | import | processes | not executed by the engine |',
    withJs ? '|---|---|---|---|---|' : '|---|---|---|---|',
  );
  for (const o of list) {
    if (withJs) {
      const verdict = javascriptVerdict(o);
      lines.push(importRow(o, `${verdict.ok ? 'ok' : '**no**'}: ${verdict.note}`));
    } else {
      lines.push(importRow(o));
    }
  }
  lines.push('');
  return lines;
}

function camunda8Section(results: ConformanceResults): string[] {
  const lines = [
    '## camunda8/ — first wait states',
    '',
    "All files deployed into one Engine; each executable process started as `startHow` says with the manifest's",
    '`startVariables`; "reached" = the instance has not ended and every listed first wait state (its element id) is an',
    'active element, an open user task, a job, or a catch event with an open message/signal subscription or timer',
    '(an incident on another branch is noted, not counted against it).',
    '',
    '| file | process | started by | expected waits | result | observed |',
    '|---|---|---|---|---|---|',
  ];
  for (const o of results.camunda8Runs) {
    for (const run of o.runs) {
      const result =
        run.verdict === 'reached'
          ? 'reached'
          : run.verdict === 'skipped'
            ? `skipped (${run.note})`
            : '**not reached**';
      const observed: string[] = [];
      if (run.state) observed.push(`state ${run.state}`);
      if (run.active.length > 0) observed.push(`active ${run.active.join(', ')}`);
      if (run.jobs.length > 0)
        observed.push(`jobs ${run.jobs.map((j) => `${j.elementId}:${j.type}`).join(', ')}`);
      if (run.tasks.length > 0) observed.push(`tasks ${run.tasks.join(', ')}`);
      if (run.eventWaits.length > 0) observed.push(`event waits ${run.eventWaits.join(', ')}`);
      if (run.verdict === 'not-reached' && run.missing.length > 0)
        observed.push(`missing ${run.missing.join(', ')}`);
      if (run.note && run.verdict !== 'skipped') observed.push(run.note);
      lines.push(
        `| ${[
          `\`${o.file}\``,
          run.processId,
          run.how,
          run.expected.join(', '),
          result,
          observed.join('; ') || '–',
        ]
          .map(cell)
          .join(' | ')} |`,
      );
    }
  }
  lines.push('');
  return lines;
}

function betsySection(results: ConformanceResults, summary: Summary): string[] {
  const lines = [
    '## betsy/ — execution',
    '',
    'Each case runs in a fresh Engine on a virtual clock: due timers are fired until none is due (at most',
    '1,000 firings / one virtual hour), messages are published at their `afterMs`. The trace is the marker',
    "tasks' `element.completed` events of the main instance, compared under the case's `order`.",
    '',
    '| tier | cases passed | tests fully passed |',
    '|---|---|---|',
  ];
  for (const tier of tiers) {
    const t = summary.betsy[tier];
    lines.push(`| ${tier} | ${t.casesPassed}/${t.cases} | ${t.testsPassed}/${t.tests} |`);
  }
  lines.push('');
  for (const tier of tiers) {
    const cases = results.betsy.filter((r) => r.tier === tier);
    if (cases.length === 0) continue;
    lines.push(
      `### tier ${tier}`,
      '',
      '| test | case | result | state | trace / reason |',
      '|---|---|---|---|---|',
    );
    for (const c of cases) {
      const detail = c.pass
        ? `${formatTrace(c.trace)} (${describeOrder(c.order)})`
        : [...c.reasons, ...c.notes.map((n) => `note: ${n}`)].join('; ');
      lines.push(
        `| ${[
          c.test,
          String(c.case),
          c.pass ? 'pass' : '**FAIL**',
          `${c.state} (expected ${c.expect.join('/')})`,
          detail,
        ]
          .map(cell)
          .join(' | ')} |`,
      );
    }
    lines.push('');
  }
  return lines;
}

const intros: Record<CorpusName, string> = {
  miwg: 'OMG BPMN MIWG reference models (import only; mostly non-executable).',
  'miwg-vendor':
    'MIWG test cases exported by modelling tools: each must import or be refused with structured problems.',
  'bpmn-engine':
    'bpmn-engine fixtures: models relying on JavaScript must be refused with `javascript-not-allowed`; the rest must import. ' +
    "The FEEL-only column compares the outcome with the runner's own scan for JavaScript in executed places " +
    '(script task bodies, conditions, loop/completion conditions, timers).',
  camunda8:
    'Camunda 8 models: per-file import into a fresh Engine (the shared deployment and the runs follow below).',
  betsy: 'betsy models: per-file import into a fresh Engine.',
};

export function renderReport(results: ConformanceResults): string {
  const summary = summarize(results);
  const lines: string[] = [
    '# Conformance report',
    '',
    '_Generated by `npm run conformance` (test/conformance/run-conformance.ts) from `../shared/conformance/`. Do not edit by hand._',
    '',
    '## Summary',
    '',
    '| corpus | files | imported | refused | runner failures |',
    '|---|---|---|---|---|',
  ];
  for (const corpus of corpusNames) {
    const s = summary.imports[corpus];
    lines.push(`| ${corpus} | ${s.files} | ${s.imported} | ${s.refused} | ${s.crashed} |`);
  }
  lines.push('');
  lines.push(
    `- bpmn-engine FEEL-only rule respected: ${summary.javascriptRule.ok}/${summary.javascriptRule.files} files`,
  );
  lines.push(
    `- camunda8 first wait states reached: ${summary.camunda8.reached}/${summary.camunda8.processes} processes` +
      ` (${summary.camunda8.skipped} not startable by design)`,
  );
  for (const tier of tiers) {
    const t = summary.betsy[tier];
    lines.push(
      `- betsy ${tier}: ${t.casesPassed}/${t.cases} cases passed, ${t.testsPassed}/${t.tests} tests with every case passing`,
    );
  }
  lines.push('');
  for (const corpus of corpusNames)
    lines.push(...importSection(corpus, results.imports[corpus], intros[corpus]));
  lines.push(...camunda8Section(results));
  lines.push(...betsySection(results, summary));
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
