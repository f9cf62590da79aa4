import { extensionValues, findExtension } from './extension-elements.js';
import { toPlainJson } from './to-plain-json.js';

/**
 * Extension data kept verbatim (as plain JSON) for the host: every `sf:*` element (gates are a list,
 * one per `sf:gate`; the others keyed by their lower-camel name: form, ruleSet, assignment, risk),
 * `zeebe:calledDecision` of DMN business rule tasks, and `zeebe:properties` as a name→value map.
 */
export function compileExtensions(element: any): Record<string, unknown> | undefined {
  const extensions: Record<string, unknown> = {};
  const gates: unknown[] = [];
  for (const value of extensionValues(element)) {
    const type: unknown = value?.$type;
    if (typeof type !== 'string' || !type.startsWith('sf:')) continue;
    const local = type.slice(3);
    if (local === 'Gate') gates.push(toPlainJson(value));
    else extensions[local.charAt(0).toLowerCase() + local.slice(1)] = toPlainJson(value);
  }
  if (gates.length > 0) extensions.gates = gates;
  const decision = findExtension(element, 'zeebe:CalledDecision');
  if (decision !== undefined) extensions.calledDecision = toPlainJson(decision);
  const properties = findExtension(element, 'zeebe:Properties')?.properties;
  if (Array.isArray(properties) && properties.length > 0) {
    extensions.properties = Object.fromEntries(
      properties.filter((p) => typeof p?.name === 'string').map((p) => [p.name, p.value ?? '']),
    );
  }
  return Object.keys(extensions).length > 0 ? extensions : undefined;
}
