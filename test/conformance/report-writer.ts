/** Summary figures and the Markdown report (`docs/conformance.md`) of a conformance run. */
import { tiers, type Tier } from './betsy-cases.js';
import type { BetsyCaseResult } from './betsy-case-runner.js';
import type { ConformanceResults } from './conformance-run.js';
import { corpusNames, type CorpusName } from './corpus-paths.js';
import type { ProblemLike, UnsupportedLike } from './engine-access.js';
import { classifyMisses } from './camunda8-expected-misses.js';
import { javascriptVerdict, statusLabels, type ImportOutcome } from './import-check.js';
import { describeOrder, formatTrace } from './trace-compare.js';

export interface ImportSummary {
  files: number;
  imported: number;
  notDeployable: number;
  refused: number;
  crashed: number;
}

/** One row of the summary: a corpus, or the part of one that gets the same check. */
export interface ImportSummaryRow extends ImportSummary {
  label: string;
  check: 'importBpmn' | 'deploy';
}

export interface TierSummary {
  cases: number;
  casesPassed: number;
  tests: number;
  testsPassed: number;
}

export interface Summary {
  imports: Record<CorpusName, ImportSummary>;
  rows: ImportSummaryRow[];
  javascriptRule: { ok: number; files: number };
  camunda8: {
    processes: number;
    reached: number;
    skipped: number;
    expectedMisses: number;
    unexpectedMisses: number;
    unexpectedPasses: number;
  };
  betsy: Record<Tier, TierSummary>;
}

function countStatuses(list: readonly ImportOutcome[]): ImportSummary {
  return {
    files: list.length,
    imported: list.filter((o) => o.status === 'imported').length,
    notDeployable: list.filter((o) => o.status === 'not-deployable').length,
    refused: list.filter((o) => o.status === 'refused').length,
    crashed: list.filter((o) => o.status === 'crashed').length,
  };
}

export function summarize(results: ConformanceResults): Summary {
  const imports = {} as Record<CorpusName, ImportSummary>;
  const rows: ImportSummaryRow[] = [];
  for (const corpus of corpusNames) {
    const list = results.imports[corpus];
    imports[corpus] = countStatuses(list);
    for (const check of ['import', 'deploy'] as const) {
      const part = list.filter((o) => o.check === check);
      if (part.length === 0) continue;
      const mixed = part.length < list.length;
      const label = !mixed
        ? corpus
        : `${corpus} (${check === 'import' ? 'parse-only fixtures' : 'executable models'})`;
      rows.push({
        label,
        check: check === 'import' ? 'importBpmn' : 'deploy',
        ...countStatuses(part),
      });
    }
  }
  const misses = classifyMisses(results.camunda8Runs, results.imports.camunda8);
  const bpmnEngine = results.imports['bpmn-engine'];
  const runs = results.camunda8Runs.flatMap((o) => o.runs);
  const betsy = {} as Record<Tier, TierSummary>;
  for (const tier of tiers) betsy[tier] = tierSummary(results.betsy.filter((r) => r.tier === tier));
  return {
    imports,
    rows,
    javascriptRule: {
      ok: bpmnEngine.filter((o) => javascriptVerdict(o).ok).length,
      files: bpmnEngine.length,
    },
    camunda8: {
      processes: runs.filter((r) => r.verdict !== 'skipped').length,
      reached: runs.filter((r) => r.verdict === 'reached').length,
      skipped: runs.filter((r) => r.verdict === 'skipped').length,
      expectedMisses: misses.expected.length,
      unexpectedMisses: misses.unexpectedMisses.length,
      unexpectedPasses: misses.unexpectedPasses.length,
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
  for (const s of summary.rows) {
    const counts =
      s.check === 'deploy'
        ? `${s.imported} deployed, ${s.refused} refused`
        : `${s.imported} imported, ${s.notDeployable} imported but not deployable, ${s.refused} refused`;
    lines.push(
      `  ${s.label.padEnd(12)} ${s.files} files (${s.check}): ${counts}` +
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
      `  camunda8     first wait states reached: ${c.reached}/${c.processes} processes (${c.skipped} not startable by design); ` +
        `${c.expectedMisses} expected misses, ${c.unexpectedMisses} unexpected misses, ${c.unexpectedPasses} listed misses now passing`,
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

function warningCount(count: number): string {
  return count > 0 ? ` (${count} warning${count > 1 ? 's' : ''})` : '';
}

function importRow(o: ImportOutcome, extra?: string): string {
  let result: string;
  if (o.status === 'imported') {
    result = (o.check === 'deploy' ? 'deployed' : 'imported') + warningCount(o.warnings.length);
  } else if (o.status === 'not-deployable') {
    result =
      `${statusLabels[o.status]}${warningCount(o.warnings.length)}: ` +
      o.problems.map(problemText).join('; ');
  } else if (o.status === 'refused') {
    const errors = o.problems.filter((p) => p.severity !== 'warning');
    const warnings = o.problems.length - errors.length;
    result = `${o.check === 'deploy' ? 'deployment refused' : 'refused'}: ${errors.map(problemText).join('; ')}`;
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
    '(an incident on another branch is noted, not counted against it). Listener jobs whose type is not a listed',
    'wait state are completed first, as their worker would; a `safeflow:decision` job whose decision the host does',
    'not have stops the run ("stopped at host decision job <elementId>").',
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
      if (run.completedListenerJobs.length > 0)
        observed.push(`listener jobs completed ${run.completedListenerJobs.join(', ')}`);
      if (run.hostStop) observed.push(run.hostStop);
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

function expectedMissesSection(results: ConformanceResults): string[] {
  if (results.camunda8Runs.length === 0) return [];
  const misses = classifyMisses(results.camunda8Runs, results.imports.camunda8);
  const lines = [
    '## camunda8/ — expected misses',
    '',
    'Processes that do not reach their first wait states for causes outside the engine issue, or that',
    'Camunda 8 itself could not get past (test/conformance/camunda8-expected-misses.ts; the test fails on any',
    'miss not listed here and on any listed process that starts passing).',
    '',
  ];
  for (const group of new Set(misses.expected.map((m) => m.group))) {
    const members = misses.expected.filter((m) => m.group === group);
    lines.push(`### ${group.title} — ${members.length}`, '', group.reason, '');
    lines.push('| process | reason | evidence found |', '|---|---|---|');
    for (const m of members) {
      lines.push(
        `| ${[`\`${m.run}\``, m.reason, m.evidence ? 'yes' : '**no**'].map(cell).join(' | ')} |`,
      );
    }
    lines.push('');
  }
  lines.push(
    `Unexpected misses: ${misses.unexpectedMisses.length === 0 ? 'none' : misses.unexpectedMisses.map((k) => `\`${k}\``).join(', ')}.`,
    '',
    `Listed misses now passing (remove them from the list): ${misses.unexpectedPasses.length === 0 ? 'none' : misses.unexpectedPasses.map((k) => `\`${k}\``).join(', ')}.`,
    '',
  );
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
  miwg:
    'OMG BPMN MIWG reference models, checked with `importBpmn`: every one must import (deployable or not); ' +
    'elements the engine does not execute are listed by id and type.',
  'miwg-vendor':
    'MIWG test cases exported by modelling tools, checked with `importBpmn`: each must import or be refused with structured problems.',
  'bpmn-engine':
    'bpmn-engine fixtures, checked with `importBpmn`: a model is refused iff it relies on JavaScript, with ' +
    '`javascript-not-allowed` naming the element; the rest must import. ' +
    "The FEEL-only column compares the outcome with the runner's own scan for JavaScript in executed places " +
    "(script task bodies, conditions, loop/completion conditions, timers, a service task's `camunda:expression`).",
  camunda8:
    'Camunda 8 models: the three parse-only fixtures are checked with `importBpmn`; every executable model by a ' +
    'deployment into a fresh Engine (the shared deployment and the runs follow below).',
  betsy: 'betsy models: per-file deployment into a fresh Engine.',
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
    'Import status comes from `importBpmn` for the import corpora (miwg, miwg-vendor, bpmn-engine) and',
    "camunda8's parse-only fixtures; the executable camunda8 models and betsy must run, so for them the",
    'check is a deployment into a fresh Engine ("imported" = deployed).',
    '',
    '| corpus | files | check | imported | imported, not deployable | refused | crashed |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const s of summary.rows) {
    const notDeployable = s.check === 'deploy' ? '–' : String(s.notDeployable);
    lines.push(
      `| ${s.label} | ${s.files} | ${s.check} | ${s.imported} | ${notDeployable} | ${s.refused} | ${s.crashed} |`,
    );
  }
  lines.push('');
  lines.push(
    `- bpmn-engine FEEL-only rule respected: ${summary.javascriptRule.ok}/${summary.javascriptRule.files} files`,
  );
  lines.push(
    `- camunda8 first wait states reached: ${summary.camunda8.reached}/${summary.camunda8.processes} processes` +
      ` (${summary.camunda8.skipped} not startable by design); ${summary.camunda8.expectedMisses} expected misses` +
      ` (see "camunda8/ — expected misses"), ${summary.camunda8.unexpectedMisses} unexpected misses,` +
      ` ${summary.camunda8.unexpectedPasses} listed misses now passing`,
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
  lines.push(...expectedMissesSection(results));
  lines.push(...betsySection(results, summary));
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
