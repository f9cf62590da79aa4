/** Tasks the conformance worker runs, and their dispatcher (also usable in-process for debugging). */
import { loadBetsyCases, caseId } from './betsy-cases.js';
import { runBetsyCase, type BetsyCaseResult } from './betsy-case-runner.js';
import { loadManifest, runCamunda8Model, type Camunda8RunOutcome } from './camunda8-runner.js';
import type { CorpusName } from './corpus-paths.js';
import { importFile, type ImportCheck, type ImportOutcome } from './import-check.js';

export type TaskRequest =
  | { kind: 'import'; corpus: CorpusName; path: string; check: ImportCheck }
  | { kind: 'camunda8-run'; root: string; file: string }
  | { kind: 'betsy-case'; root: string; caseId: string };

export type TaskResponse = { id: number } & (
  { ok: true; value: unknown } | { ok: false; failure: string }
);

export type TaskValue = ImportOutcome | Camunda8RunOutcome | BetsyCaseResult;

export async function executeTask(request: TaskRequest): Promise<TaskValue> {
  switch (request.kind) {
    case 'import':
      return importFile(request.corpus, request.path, request.check);
    case 'camunda8-run': {
      const entry = loadManifest(request.root).find((e) => e.file === request.file);
      if (!entry) throw new Error(`no manifest entry for ${request.file}`);
      return runCamunda8Model(request.root, entry);
    }
    case 'betsy-case': {
      const c = loadBetsyCases(request.root).find((x) => caseId(x) === request.caseId);
      if (!c) throw new Error(`no betsy case ${request.caseId}`);
      return runBetsyCase(request.root, c);
    }
  }
}
