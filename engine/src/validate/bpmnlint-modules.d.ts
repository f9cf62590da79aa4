// bpmnlint is CommonJS without type declarations; we import its Linter and rule modules statically
// (no dynamic require at lint time), so declare the shapes we use.
declare module 'bpmnlint' {
  export interface LintReport {
    readonly id?: string;
    readonly message: string;
    readonly category: string;
  }
  export class Linter {
    constructor(options: { config?: unknown; resolver: unknown });
    lint(moddleRoot: unknown, config?: unknown): Promise<Record<string, LintReport[]>>;
  }
}
declare module 'bpmnlint/rules/*' {
  const ruleFactory: (config?: unknown) => any;
  export default ruleFactory;
}
declare module 'bpmnlint/config/recommended.js' {
  const config: { rules: Record<string, string> };
  export default config;
}
