import { Linter } from 'bpmnlint';
import type { Problem } from '../model/problem.js';
import type { ElementLocator } from '../parse/element-locator.js';
import { LINT_CONFIG, LINT_RULES } from './lint-rules.js';

/**
 * Resolver handing bpmnlint our statically imported rules. Each rule's `check` is wrapped so that a
 * rule crashing on an odd vendor file is silent (bpmnlint would log it to the console) and simply
 * reports nothing.
 */
const resolver = {
  resolveRule(pkg: string, ruleName: string) {
    const factory = pkg === 'bpmnlint' ? LINT_RULES[ruleName] : undefined;
    if (factory === undefined) throw new Error(`unknown lint rule ${pkg}/${ruleName}`);
    return (config?: unknown) => guard(factory(config));
  },
  resolveConfig(pkg: string, configName: string) {
    throw new Error(`unknown lint config ${pkg}:${configName}`);
  },
};

function guard(rule: any): any {
  const check = rule?.check;
  if (typeof check === 'function') return { ...rule, check: safe(check) };
  if (check && typeof check === 'object') {
    return {
      ...rule,
      check: { enter: check.enter && safe(check.enter), leave: check.leave && safe(check.leave) },
    };
  }
  return rule;
}

function safe(fn: (...args: any[]) => unknown) {
  return (...args: any[]) => {
    try {
      return fn(...args);
    } catch {
      return undefined;
    }
  };
}

/** A file without any diagram is generated on purpose; "missing bpmndi" on every element is noise. */
function lintConfig(definitions: any) {
  const hasDiagram = Array.isArray(definitions?.diagrams) && definitions.diagrams.length > 0;
  if (hasDiagram) return LINT_CONFIG;
  return {
    rules: Object.fromEntries(
      Object.entries(LINT_CONFIG.rules).filter(([name]) => name !== 'no-bpmndi'),
    ),
  };
}

/** bpmnlint's recommended rules as `lint/<rule>` warnings, placed by element id. */
export async function lintDefinitions(
  definitions: unknown,
  locate: ElementLocator,
): Promise<Problem[]> {
  try {
    const results = await new Linter({ config: lintConfig(definitions), resolver }).lint(
      definitions,
    );
    const problems: Problem[] = [];
    for (const [rule, reports] of Object.entries(results)) {
      for (const report of reports) {
        if (report.category === 'rule-error') continue;
        const where = locate(report.id);
        problems.push({
          code: `lint/${rule}`,
          message: report.id ? `${report.id}: ${report.message}` : report.message,
          elementId: report.id,
          line: where?.line,
          column: where?.column,
          severity: 'warning',
        });
      }
    }
    return problems;
  } catch {
    return [];
  }
}
