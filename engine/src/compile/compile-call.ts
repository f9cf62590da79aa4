import type { CallDef } from '../model/activity-defs.js';
import { zeebeExpr } from './expr.js';
import { findExtension, stringAttr } from './extension-elements.js';

const BINDING_TYPES: ReadonlySet<string> = new Set(['latest', 'deployment', 'versionTag']);

/**
 * `zeebe:calledElement`; falls back to the plain BPMN `calledElement` attribute (a static process id)
 * so non-Camunda models still name their callee. An empty processId is the validator's business.
 */
export function compileCall(element: any): CallDef {
  const called = findExtension(element, 'zeebe:CalledElement');
  const processId =
    stringAttr(called, 'processId') ??
    stringAttr(called, 'processIdExpression') ??
    stringAttr(element, 'calledElement') ??
    '';
  const bindingType = stringAttr(called, 'bindingType') ?? 'latest';
  return {
    processId: zeebeExpr(processId),
    bindingType: BINDING_TYPES.has(bindingType)
      ? (bindingType as CallDef['bindingType'])
      : 'latest',
    versionTag: stringAttr(called, 'versionTag'),
    // Zeebe's defaults: both directions propagate everything unless switched off.
    propagateAllChildVariables: called?.propagateAllChildVariables !== false,
    propagateAllParentVariables: called?.propagateAllParentVariables !== false,
  };
}
