export { compileDefinitions, collectProcesses, type CompileResult } from './compile-definitions.js';
export { zeebeExpr, feelExpr } from './expr.js';
