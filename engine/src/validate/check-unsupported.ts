import type { ProcessRule } from './rule-types.js';

/** Elements the compiler could not map to something the interpreter executes. */
export const checkUnsupported: ProcessRule = ({ process }) =>
  process.unsupported.map((u) => ({
    code: 'unsupported-element',
    message: `${u.type.replace(/^bpmn:/, '')} ${u.elementId}: ${u.reason}`,
    elementId: u.elementId,
  }));
