import type { Vars } from './instance-state.js';

/**
 * Writes `value` at a mapping target such as `permit.gasTest.result`, creating nested contexts —
 * Camunda 8 output mappings allow dotted targets.
 */
export function setPath(target: Vars, path: string, value: unknown): void {
  const parts = path.split('.');
  let obj: Vars = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    const next = obj[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      obj[part] = {};
    } else {
      obj[part] = { ...(next as Vars) };
    }
    obj = obj[part] as Vars;
  }
  obj[parts[parts.length - 1]!] = value;
}
