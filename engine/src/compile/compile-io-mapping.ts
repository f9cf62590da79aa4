import type { IoMapping } from '../model/expression.js';
import { zeebeExpr } from './expr.js';
import { findExtension } from './extension-elements.js';

/** `zeebe:ioMapping` inputs and outputs; source follows the `=` convention, target is a name. */
export function compileIoMapping(element: any): { inputs?: IoMapping[]; outputs?: IoMapping[] } {
  const mapping = findExtension(element, 'zeebe:IoMapping');
  if (mapping === undefined) return {};
  const inputs = toMappings(mapping.inputParameters);
  const outputs = toMappings(mapping.outputParameters);
  return {
    ...(inputs.length > 0 ? { inputs } : {}),
    ...(outputs.length > 0 ? { outputs } : {}),
  };
}

function toMappings(parameters: unknown): IoMapping[] {
  if (!Array.isArray(parameters)) return [];
  return (
    parameters
      .filter((p) => typeof p?.target === 'string' && p.target !== '')
      // A missing source maps `null` in Zeebe; FEEL `null` says the same.
      .map((p) => ({
        source:
          typeof p.source === 'string' ? zeebeExpr(p.source) : { kind: 'feel', source: 'null' },
        target: p.target,
      }))
  );
}
