/**
 * Copies a moddle element into plain JSON (no prototypes, no `$parent` cycles) following its
 * descriptor, so SafeFlow extensions can be stored in the compiled model and handed to the host as
 * data. Defaults declared in the descriptor are included (e.g. a gate's `onFail: "block"`).
 */
export function toPlainJson(element: any, depth = 0): unknown {
  if (element === null || typeof element !== 'object') return element;
  if (depth > 16) return undefined;
  if (Array.isArray(element)) return element.map((item) => toPlainJson(item, depth + 1));
  const properties: any[] = element.$descriptor?.properties ?? [];
  const result: Record<string, unknown> = {};
  for (const property of properties) {
    if (property.isReference) continue;
    const value = element[property.name];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    result[property.name] = toPlainJson(value, depth + 1);
  }
  return result;
}
