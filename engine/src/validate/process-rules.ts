import type { Problem } from '../model/problem.js';
import type { ProcessModel } from '../model/process-model.js';
import type { ElementLocator } from '../parse/element-locator.js';
import { checkFeelSyntax } from './check-feel-syntax.js';
import { checkJavascript } from './check-javascript.js';
import { checkCallActivities, checkIgnoredExtensions, checkJobTypes } from './check-tasks.js';
import { checkGateways, checkLinks, checkLoops, checkStartEvent } from './check-structure.js';
import { checkMessages, checkThrowCodes, checkTimers } from './check-events.js';
import { checkUnsupported } from './check-unsupported.js';
import type { Finding, ProcessRule } from './rule-types.js';

export const PROCESS_RULES: readonly ProcessRule[] = [
  checkUnsupported,
  checkJavascript,
  checkFeelSyntax,
  checkStartEvent,
  checkGateways,
  checkJobTypes,
  checkCallActivities,
  checkMessages,
  checkTimers,
  checkThrowCodes,
  checkLoops,
  checkLinks,
  checkIgnoredExtensions,
];

/** Consequences of JavaScript/non-FEEL expressions already reported; repeating them adds noise. */
const FOLLOW_UPS_OF_JAVASCRIPT: ReadonlySet<string> = new Set([
  'missing-job-type',
  'missing-script',
  'invalid-timer',
  'feel-syntax',
]);

/**
 * Runs every rule on one process. A non-executable process is documentation as far as the engine
 * is concerned (Zeebe ignores it too), so its findings are downgraded to warnings. A crashing rule
 * becomes a `validation-failed` problem instead of an exception.
 */
export function validateProcess(
  process: ProcessModel,
  raw: (id: string) => any,
  locate: ElementLocator,
): Problem[] {
  const findings: Finding[] = [];
  for (const rule of PROCESS_RULES) {
    try {
      findings.push(...rule({ process, raw }));
    } catch (error) {
      findings.push({
        code: 'validation-failed',
        message: `A validation rule failed on process ${process.id}: ${error instanceof Error ? error.message : String(error)}`,
        elementId: process.id,
      });
    }
  }
  const javascript = new Set(
    findings
      .filter(
        (f) => f.code === 'javascript-not-allowed' || f.code === 'unsupported-expression-language',
      )
      .map((f) => f.elementId),
  );
  return findings
    .filter((f) => !(javascript.has(f.elementId) && FOLLOW_UPS_OF_JAVASCRIPT.has(f.code)))
    .map((f) => {
      const where = locate(f.elementId);
      return {
        code: f.code,
        message: process.isExecutable
          ? f.message
          : `${f.message} (process ${process.id} is not executable)`,
        elementId: f.elementId,
        line: where?.line,
        column: where?.column,
        severity: process.isExecutable ? (f.severity ?? 'error') : 'warning',
      };
    });
}
