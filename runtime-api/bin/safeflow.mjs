#!/usr/bin/env node
/* global process */
// The `safeflow` command: runs the built CLI (runtime-api/src/cli/safeflow.ts → dist/cli/), which
// `npm run build` produces (`npm install` / `npm ci` run it through `prepare`). From a source
// checkout without a build: node --conditions=source --import tsx runtime-api/src/cli/safeflow.ts
let cli;
try {
  cli = await import('../dist/cli/safeflow.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  process.stderr.write(`safeflow: the runtime is not built (${e.message}); run 'npm run build'\n`);
  process.exit(2);
}
const { processIo } = await import('../dist/cli/cli-command.js');
process.exitCode = await cli.runCli(process.argv.slice(2), processIo());
