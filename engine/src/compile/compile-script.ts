import type { ScriptDef } from '../model/activity-defs.js';
import { feelExpr, zeebeExpr } from './expr.js';
import { findExtension, stringAttr } from './extension-elements.js';

/**
 * A FEEL script task: `zeebe:script` (expression + resultVariable), or a BPMN `<script>` body whose
 * scriptFormat is FEEL. Any other script language is not executable here (the validator refuses
 * JavaScript and friends), so it yields no ScriptDef.
 */
export function compileScript(element: any): ScriptDef | undefined {
  const script = findExtension(element, 'zeebe:Script');
  if (script !== undefined) {
    return {
      expression: zeebeExpr(stringAttr(script, 'expression') ?? ''),
      resultVariable: stringAttr(script, 'resultVariable'),
    };
  }
  const body = stringAttr(element, 'script');
  if (body !== undefined && isFeelFormat(stringAttr(element, 'scriptFormat'))) {
    return { expression: feelExpr(body) };
  }
  return undefined;
}

export function isFeelFormat(format: string | undefined): boolean {
  return format !== undefined && /^(feel|text\/feel|application\/feel)$/i.test(format.trim());
}
