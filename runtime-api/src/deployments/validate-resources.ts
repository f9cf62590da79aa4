import type { DeployInput } from '../engine-host/engine-host.js';
import type { DeploymentProblem } from './deployment-problem.js';
import { checkFormKeys } from './form-key-check.js';
import { checkFormSchema } from './form-schema-check.js';
import { parseJson } from './json-syntax-error.js';
import { ACCEPTED_SUFFIXES, resourceKind } from './resource-kind.js';

/**
 * Checks what the engine does not: resource names and kinds, form schemas (JSON, then JSON Schema),
 * rule sets (JSON only for now — their rules are validated once rule sets are implemented), and
 * that forms named by user tasks are in the deployment. Runs before the engine sees anything, so a
 * refused deployment leaves no version behind. BPMN itself is validated by the engine.
 */
export async function validateResources(input: DeployInput): Promise<DeploymentProblem[]> {
  const problems: DeploymentProblem[] = [];
  const seen = new Set<string>();
  const forms = new Set<string>();
  const bpmn: DeployInput['resources'] = [];
  for (const r of input.resources) {
    if (seen.has(r.name)) {
      problems.push({
        code: 'DUPLICATE_RESOURCE',
        resource: r.name,
        message: `two resources are named '${r.name}'`,
      });
      continue;
    }
    seen.add(r.name);
    const kind = resourceKind(r.name);
    if (kind === undefined) {
      problems.push({
        code: 'UNSUPPORTED_RESOURCE',
        resource: r.name,
        message: `'${r.name}' is not a resource type SafeFlow deploys (name it ${ACCEPTED_SUFFIXES})`,
      });
      continue;
    }
    if (kind === 'bpmn') {
      bpmn.push(r);
      continue;
    }
    if (kind === 'form') forms.add(r.name);
    const parsed = parseJson(r.content);
    if (!parsed.ok) {
      problems.push({
        code: 'INVALID_JSON',
        resource: r.name,
        line: parsed.error.line,
        column: parsed.error.column,
        message: `not JSON at line ${parsed.error.line}, column ${parsed.error.column}: ${parsed.error.message}`,
      });
      continue;
    }
    if (kind === 'form') problems.push(...checkFormSchema(r.name, parsed.value));
    // kind 'rules': parsing is all for now; the rule-set format is checked by a later issue.
  }
  problems.push(...(await checkFormKeys(bpmn, forms)));
  return problems;
}
