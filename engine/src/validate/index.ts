export { validateDefinitions, type ValidateOptions } from './validate-definitions.js';
export { validateProcess, PROCESS_RULES } from './process-rules.js';
export { feelSyntaxError } from './check-feel-syntax.js';
export { isIsoDateTime, isIsoDuration, isTimerCycle } from './iso8601.js';
export type { Finding, ProcessRule, RuleContext } from './rule-types.js';
