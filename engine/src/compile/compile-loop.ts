import type { LoopDef } from '../model/activity-defs.js';
import { expressionBody, feelExpr, optionalZeebeExpr } from './expr.js';
import { findExtension, stringAttr } from './extension-elements.js';

/**
 * Multi-instance (Zeebe's `zeebe:loopCharacteristics` plus BPMN's isSequential, loopCardinality and
 * completionCondition) and standard loops. Conditions and cardinality are FEEL; collection
 * attributes follow the zeebe `=` convention.
 */
export function compileLoop(activity: any): LoopDef | undefined {
  const loop = activity.loopCharacteristics;
  if (loop?.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
    const zeebe = findExtension(loop, 'zeebe:LoopCharacteristics');
    const cardinality = expressionBody(loop.loopCardinality);
    const completion = expressionBody(loop.completionCondition);
    return {
      kind: 'multiInstance',
      sequential: loop.isSequential === true,
      inputCollection: optionalZeebeExpr(zeebe?.inputCollection),
      inputElement: stringAttr(zeebe, 'inputElement'),
      outputCollection: stringAttr(zeebe, 'outputCollection'),
      outputElement: optionalZeebeExpr(zeebe?.outputElement),
      cardinality: cardinality === undefined ? undefined : feelExpr(cardinality),
      completionCondition: completion === undefined ? undefined : feelExpr(completion),
    };
  }
  if (loop?.$type === 'bpmn:StandardLoopCharacteristics') {
    const condition = expressionBody(loop.loopCondition);
    const maximum = Number(loop.loopMaximum);
    return {
      kind: 'standard',
      condition: condition === undefined ? undefined : feelExpr(condition),
      testBefore: loop.testBefore === true,
      maximum: loop.loopMaximum === undefined || !Number.isFinite(maximum) ? undefined : maximum,
    };
  }
  return undefined;
}
