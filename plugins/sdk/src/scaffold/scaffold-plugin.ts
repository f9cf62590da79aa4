import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pluginFiles, sampleTaskType } from './plugin-files.js';
import { pluginNameProblem, pluginShortName, ScaffoldError } from './plugin-name.js';

export interface ScaffoldResult {
  /** The package directory (absolute). */
  dir: string;
  name: string;
  /** The sample task type, e.g. `gas-lab:check-limit`. */
  taskType: string;
  /** Files written, relative to `dir`. */
  files: string[];
}

/**
 * Writes a new plugin package into `targetDir`: package.json with its `"safeflow"` manifest,
 * src/index.ts with a sample task handler and element template, test/handler.test.ts using the
 * testing harness, README and tsconfig. `safeflow plugin new <name>` calls this.
 *
 * Throws a ScaffoldError for an invalid npm package name, or when `targetDir` exists and is not
 * an empty directory (nothing is overwritten).
 */
export function scaffoldPlugin(name: string, targetDir: string): ScaffoldResult {
  const problem = pluginNameProblem(name);
  if (problem) throw new ScaffoldError(`'${name}' is not a valid package name: ${problem}`);
  const dir = resolve(targetDir);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory())
      throw new ScaffoldError(`${dir} exists and is not a directory`);
    if (readdirSync(dir).length > 0) {
      throw new ScaffoldError(`${dir} is not empty; choose a new directory for the plugin`);
    }
  }
  const shortName = pluginShortName(name);
  const files = pluginFiles({ name, shortName });
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content, { flag: 'wx' });
  }
  return { dir, name, taskType: sampleTaskType(shortName), files: Object.keys(files) };
}
