import type { Problem } from './model/problem.js';
import type { CompiledDefinitions } from './model/process-model.js';
import { readBpmn, type ImportOptions } from './import-bpmn.js';

export type LoadOptions = ImportOptions;

export type LoadResult =
  | { readonly ok: true; readonly definitions: CompiledDefinitions; readonly warnings: Problem[] }
  | { readonly ok: false; readonly problems: Problem[] };

/**
 * parse → compile → validate with *deployment* semantics. Refused (`ok: false`) iff any problem has
 * severity `error`; problems inside non-executable processes are only warnings, while XML and
 * reference errors always refuse. Never throws. To read a model that is not deployable yet (for
 * the designer or a report), use `importBpmn`.
 */
export async function loadBpmn(
  source: string | Uint8Array,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const { definitions, problems } = await readBpmn(source, options);
  if (definitions === undefined || problems.some((p) => p.severity === 'error'))
    return { ok: false, problems };
  return { ok: true, definitions, warnings: problems };
}
