// ESLint flat config for the whole monorepo (`npm run lint`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Workspace packages whose `src/` is private to them. Code elsewhere must go through the package
 * entry point (`@safeflow/engine`), which resolves to sources via the `source` export condition
 * during development and to `dist/` when published — so reaching into `src/` by path would work
 * in dev and break for consumers.
 */
const PACKAGES = ['engine', 'runtime-api', 'designer', 'plugins/*', 'examples/*', 'templates/*'];

/** Import patterns that reach into the `src/` of every package except `own`. */
function foreignSrcPatterns(own) {
  const others = PACKAGES.filter((pkg) => pkg !== own);
  return [
    {
      group: others.flatMap((pkg) => [`**/${pkg}/src`, `**/${pkg}/src/**`]),
      message:
        "Import another package through its entry point (e.g. '@safeflow/engine'), not its src/.",
    },
    {
      group: ['@safeflow/*/src', '@safeflow/*/src/**'],
      message: 'Import the package entry point; src/ is not part of its public API.',
    },
  ];
}

/**
 * The engine is a pure library (deterministic, replayable): no I/O, no ambient clock or randomness.
 * Time and ids are injected by the host.
 */
const ENGINE_PURITY_SYNTAX = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'engine is pure: take the current time as a parameter instead of Date.now().',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'engine is pure: new Date() reads the clock; pass the time in.',
  },
  {
    selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
    message: 'engine is pure: randomness must be injected.',
  },
  {
    selector: "MemberExpression[object.name='performance'][property.name='now']",
    message: 'engine is pure: do not read the clock.',
  },
];

const NODE_IO_MODULES = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'worker_threads',
  'crypto',
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      'designer/build/**',
      'designer/.vite/**',
      'data/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // Models and expressions come from users: nothing may turn text into code.
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'WithStatement', message: 'with is not allowed.' },
        {
          selector: "CallExpression[callee.property.name='compileFunction']",
          message: 'Compiling code at runtime is not allowed.',
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-restricted-imports': ['error', { patterns: foreignSrcPatterns(null) }],
    },
  },
  // Inside a package, its own src/ is fine; other packages' src/ is not.
  ...PACKAGES.map((pkg) => ({
    files: [`${pkg}/**`],
    rules: { 'no-restricted-imports': ['error', { patterns: foreignSrcPatterns(pkg) }] },
  })),
  {
    files: ['engine/src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'WithStatement', message: 'with is not allowed.' },
        ...ENGINE_PURITY_SYNTAX,
      ],
      // The global `process` (env, argv, exit); local variables named after BPMN processes are fine.
      'no-restricted-globals': [
        'error',
        {
          name: 'process',
          message: 'engine is pure: no access to process (env, argv, exit, ...).',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...foreignSrcPatterns('engine'),
            { group: NODE_IO_MODULES, message: 'engine is pure: no Node I/O modules.' },
          ],
        },
      ],
    },
  },
  {
    // bpmn-moddle trees are untyped JavaScript objects: the parse/compile/validate layers read them
    // as `any` and turn them into the typed model, which is what the rest of the engine sees.
    files: [
      'engine/src/parse/**',
      'engine/src/compile/**',
      'engine/src/validate/**',
      'engine/src/moddle/**',
      '**/test/**',
      'test/**',
      'bench/**',
    ],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
