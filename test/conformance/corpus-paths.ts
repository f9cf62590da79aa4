import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Directory of this module: `<repo>/test/conformance`. */
const here = dirname(fileURLToPath(import.meta.url));

/** Repository root (two levels above this module). */
export const repoRoot = resolve(here, '..', '..');

/** Corpus names, in report order. */
export const corpusNames = ['miwg', 'miwg-vendor', 'bpmn-engine', 'camunda8', 'betsy'] as const;
export type CorpusName = (typeof corpusNames)[number];

export class CorpusMissingError extends Error {
  constructor(readonly path: string) {
    super(
      `Conformance corpora not found at ${path}.\n` +
        `The runner expects the shared material next to the repository: <parent>/shared/conformance/` +
        ` (with miwg/, miwg-vendor/, bpmn-engine/, camunda8/, betsy/).\n` +
        `Set SAFEFLOW_CONFORMANCE_DIR to use another location.`,
    );
    this.name = 'CorpusMissingError';
  }
}

/**
 * Where the corpora live: `$SAFEFLOW_CONFORMANCE_DIR`, else `../shared/conformance` relative to the
 * repository root. Throws {@link CorpusMissingError} when the directory or a corpus is missing.
 */
export function conformanceRoot(): string {
  const configured = process.env['SAFEFLOW_CONFORMANCE_DIR'];
  const root = configured ? resolve(configured) : resolve(repoRoot, '..', 'shared', 'conformance');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new CorpusMissingError(root);
  for (const name of corpusNames) {
    if (!existsSync(join(root, name))) throw new CorpusMissingError(join(root, name));
  }
  return root;
}

/** Whether the corpora are available (for tests that skip cleanly in clones without them). */
export function hasConformanceCorpora(): boolean {
  try {
    conformanceRoot();
    return true;
  } catch {
    return false;
  }
}

/** Absolute paths of the `.bpmn` files directly inside `dir`, sorted by name. */
export function listBpmnFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.toLowerCase().endsWith('.bpmn'))
    .sort()
    .map((name) => join(dir, name));
}

/** The model files of a corpus (betsy and camunda8 keep theirs under `models/`). */
export function corpusFiles(root: string, corpus: CorpusName): string[] {
  const dir =
    corpus === 'betsy' || corpus === 'camunda8' ? join(root, corpus, 'models') : join(root, corpus);
  return listBpmnFiles(dir);
}
