/**
 * The camunda8 processes that are *expected* not to reach their first wait states, grouped by cause,
 * each with its reason. The test (import-corpora.test.ts) asserts that the processes which miss are
 * exactly these — an unexpected miss fails it, and so does a listed process that starts passing (then
 * remove it here: the list must shrink as the engine improves). The report shows the same groups.
 *
 * Only causes outside the engine issue, or that Camunda 8 itself could not get past, belong here.
 */
import type { Camunda8RunOutcome, ProcessRun } from './camunda8-runner.js';
import type { ImportOutcome } from './import-check.js';

/** `file#processId`, the key of one camunda8 run. */
export type RunKey = `${string}.bpmn#${string}`;

export interface ExpectedMissGroup {
  id: 'host-decision' | 'construct-not-in-issue' | 'refused-by-zeebe-too';
  title: string;
  reason: string;
  /** Each expected miss with its own reason; `evidence` is what the run must show for it. */
  misses: Array<{ run: RunKey; reason: string; evidence: RegExp }>;
}

const taskMatrix = 'vanillabp__camunda8-adapter__task-matrix-11-processes.bpmn';
const taskMatrixProcesses = [
  'TaskProcess',
  'FailProcess',
  'RetryProcess',
  'AsyncProcess',
  'AsyncCancelProcess',
  'UserTaskProcess',
  'SilentUserTaskProcess',
  'MessageProcess',
  'MessageStartProcess',
  'SyncProcess',
  'FetchProcess',
] as const;

export const CAMUNDA8_EXPECTED_MISSES: readonly ExpectedMissGroup[] = [
  {
    id: 'host-decision',
    title: '(a) DMN decision not in the corpus',
    reason:
      'A business-rule task with zeebe:calledDecision becomes a `safeflow:decision` job that the host must ' +
      'answer. The DMN is not in the corpus (manifest `calledDecisions[].dmnInRepo` points at the source ' +
      'repository), so the host stops at that job — exactly where Zeebe itself would stop, with an incident ' +
      'for the undeployed decision. Evidence: "stopped at host decision job <elementId>".',
    misses: [
      {
        run: 'Schwartzalexander__camunda8-demo-real-estate-financing__dmn-credit.bpmn#RealEstateDmnCredit',
        reason:
          'decision checkCredibilityDecision (Activity_CheckCredibility) precedes Task_GenerateOffer',
        evidence: /^stopped at host decision job Activity_CheckCredibility$/,
      },
      {
        run: 'camunda-community-hub__camunda-8-benchmark__benchmark-complex-subprocess.bpmn#benchmark-subprocess',
        reason: 'decision task Activity_0ehlkav precedes Activity_1of0ccz',
        evidence: /^stopped at host decision job Activity_0ehlkav$/,
      },
      {
        run: 'camunda-community-hub__camunda-8-connector-KPI__connector-kpi.bpmn#connector-KPI',
        reason: 'decision task Activity_0tm81e6 precedes Activity_0j72crs',
        evidence: /^stopped at host decision job Activity_0tm81e6$/,
      },
      {
        run: 'camunda__camunda-7-to-8-migration-tooling__invoice-migrated.bpmn#invoice',
        reason: 'decision task assignApprover precedes approveInvoice',
        evidence: /^stopped at host decision job assignApprover$/,
      },
    ],
  },
  {
    id: 'construct-not-in-issue',
    title: '(b) constructs the engine issue does not name',
    reason:
      'Compensation (Camunda 8.5+), conditional events (8.9+) and ad-hoc sub-processes (8.7+) are not in ' +
      "the engine issue's construct list: the engine imports these models, reports the elements as " +
      '`unsupported-element`, and refuses to deploy them, so they are never started. Evidence: the ' +
      "file's deployment is refused with an unsupported-element problem of that construct.",
    misses: [
      {
        run: 'ViktorIvanchenko__camunda-8-study__compensation-with-workers.bpmn#process-compensation-test-with-workers',
        reason: 'compensation throw/boundary events and handlers',
        evidence: /compensation/,
      },
      {
        run: 'camunda__camunda__compensation-embedded-subprocess.bpmn#compensation-process',
        reason: 'compensation boundary events, handlers and end event',
        evidence: /compensation/,
      },
      {
        run: 'emaarco__easy-zeebe__membership.bpmn#miravelo-membership',
        reason: 'compensation end event, boundary event and handler',
        evidence: /compensation/,
      },
      {
        run: 'camunda__camunda__conditional-start-event.bpmn#Process_0z64umr',
        reason: 'conditional start event (started through the 8.9 conditional-evaluation API)',
        evidence: /conditional events/,
      },
      {
        run: 'camunda__camunda__conditional-catch-event.bpmn#conditionalIntermediateCatchEventProcess',
        reason: 'conditional intermediate catch event',
        evidence: /conditional events/,
      },
      {
        run: 'camunda__connectors__ai-agent-fraud-detection.bpmn#fraud-detection-process',
        reason: 'ad-hoc sub-process Fraud_Detection_Agent (AI agent connector)',
        evidence: /ad-hoc sub-process/,
      },
    ],
  },
  {
    id: 'refused-by-zeebe-too',
    title: '(c) refused by Zeebe too',
    reason:
      "task-matrix-11-processes has a message catch event without a correlation key. The manifest's " +
      "deployNotes say: \"intermediateCatchEvent CMP_wait: message 'C8PaymentReceived' has no " +
      'zeebe:subscription correlationKey", and its `exotic` notes: "plain Zeebe rejects this deployment; ' +
      'the VanillaBP adapter injects the correlation-key expression at deployment time … i.e. this file ' +
      'is only deployable through VanillaBP" (camunda8/README.md: "Will not deploy on plain Zeebe as-is"). ' +
      'SafeFlow refuses the deployment the same way (`missing-correlation-key` at CMP_wait), so none of ' +
      'its 11 processes is started. Evidence: the deployment problem.',
    misses: taskMatrixProcesses.map((processId) => ({
      run: `${taskMatrix}#${processId}` as RunKey,
      reason: 'file not deployable: CMP_wait has no correlation key',
      evidence: /^missing-correlation-key@CMP_wait$/,
    })),
  },
];

/** The group an expected miss belongs to, by run key. */
export function expectedMiss(
  run: string,
): { group: ExpectedMissGroup; miss: ExpectedMissGroup['misses'][number] } | undefined {
  for (const group of CAMUNDA8_EXPECTED_MISSES) {
    const miss = group.misses.find((m) => m.run === run);
    if (miss) return { group, miss };
  }
  return undefined;
}

/** What a run shows for its group's evidence (see `ExpectedMissGroup.misses[].evidence`). */
function evidenceOf(
  group: ExpectedMissGroup['id'],
  run: ProcessRun,
  fileImport: ImportOutcome | undefined,
): string[] {
  switch (group) {
    case 'host-decision':
      return run.hostStop ? [run.hostStop] : [];
    case 'construct-not-in-issue':
      return (fileImport?.problems ?? [])
        .filter((p) => p.code === 'unsupported-element')
        .map((p) => p.message);
    case 'refused-by-zeebe-too':
      return (fileImport?.problems ?? [])
        .filter((p) => p.severity !== 'warning')
        .map((p) => `${p.code}@${p.elementId ?? '-'}`);
  }
}

export interface MissClassification {
  /** Listed misses that missed, with whether their evidence was found. */
  expected: Array<{ group: ExpectedMissGroup; run: RunKey; reason: string; evidence: boolean }>;
  /** Processes that missed but are not listed. */
  unexpectedMisses: string[];
  /** Listed processes that did not miss (reached, or not run at all). */
  unexpectedPasses: string[];
}

/** Compares the camunda8 runs with {@link CAMUNDA8_EXPECTED_MISSES}. */
export function classifyMisses(
  runs: readonly Camunda8RunOutcome[],
  imports: readonly ImportOutcome[],
): MissClassification {
  const result: MissClassification = { expected: [], unexpectedMisses: [], unexpectedPasses: [] };
  const missed = new Set<string>();
  for (const outcome of runs) {
    const fileImport = imports.find((o) => o.file === outcome.file);
    for (const run of outcome.runs) {
      if (run.verdict !== 'not-reached') continue;
      const key = `${outcome.file}#${run.processId}`;
      missed.add(key);
      const listed = expectedMiss(key);
      if (!listed) {
        result.unexpectedMisses.push(key);
        continue;
      }
      const evidence = evidenceOf(listed.group.id, run, fileImport).some((e) =>
        listed.miss.evidence.test(e),
      );
      result.expected.push({
        group: listed.group,
        run: listed.miss.run,
        reason: listed.miss.reason,
        evidence,
      });
    }
  }
  for (const group of CAMUNDA8_EXPECTED_MISSES) {
    for (const miss of group.misses)
      if (!missed.has(miss.run)) result.unexpectedPasses.push(miss.run);
  }
  return result;
}
