import { defineConfig } from 'vitest/config';

// One test runner for every package. `source` makes workspace packages resolve to their TypeScript
// sources, so tests never need a build and never import another package's `src/` by path.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: [
      'engine/test/**/*.test.ts',
      'runtime-api/test/**/*.test.ts',
      'test/**/*.test.ts',
      'templates/**/*.test.ts',
      'plugins/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
