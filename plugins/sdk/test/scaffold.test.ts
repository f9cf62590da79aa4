import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pluginNameProblem,
  pluginShortName,
  scaffoldPlugin,
  ScaffoldError,
} from '@safeflow/plugin-sdk/scaffold';

const execFileAsync = promisify(execFile);

/** Runs a command; resolves with its exit code and output (stdout then stderr), colourless. */
async function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      cwd,
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    const failed = e as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`,
    };
  }
}
const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/**
 * A work directory inside the repository (its git-ignored `tmp/`), so the generated package
 * resolves `@safeflow/plugin-sdk` and vitest through the workspace's node_modules, as it would
 * from its own after `npm install`.
 */
let work: string;
beforeAll(() => {
  mkdirSync(join(REPO, 'tmp'), { recursive: true });
  work = mkdtempSync(join(REPO, 'tmp', 'scaffold-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('plugin names', () => {
  it.each([
    ['', 'the name is empty'],
    ['Gas-Lab', 'the name must be lower case'],
    [' gas', 'the name has leading or trailing spaces'],
    ['.hidden', 'the name must not start with . or _'],
    ['_private', 'the name must not start with . or _'],
    ['gas lab', "'gas lab' has characters that are not URL-safe (use a-z, 0-9, - . _)"],
    ['gas~lab', "'gas~lab' has characters that are not URL-safe (use a-z, 0-9, - . _)"],
    ['@acme', 'a scoped name must look like @scope/name'],
    ['@acme/a/b', 'a scoped name must look like @scope/name'],
    ['@ac me/gas', "the scope 'ac me' has characters that are not URL-safe"],
    ['http', "'http' is a Node.js built-in module"],
    ['node_modules', "'node_modules' is a reserved name"],
    ['x'.repeat(215), 'the name is longer than 214 characters'],
  ])('refuses %j: %s', (name, problem) => {
    expect(pluginNameProblem(name)).toBe(problem);
    expect(() => scaffoldPlugin(name, join(work, 'never-written'))).toThrow(ScaffoldError);
    expect(() => scaffoldPlugin(name, join(work, 'never-written'))).toThrow(problem);
    expect(existsSync(join(work, 'never-written'))).toBe(false);
  });

  it.each([
    ['safeflow-plugin-gas-lab', 'gas-lab'],
    ['@acme/safeflow-plugin-gas-lab', 'gas-lab'],
    ['@safeflow/plugin-weather', 'weather'],
    ['permit-sync-safeflow-plugin', 'permit-sync'],
    ['@acme/http', 'http'],
    ['gas.lab_2', 'gas-lab-2'],
  ])('accepts %s (task types prefixed %s)', (name, short) => {
    expect(pluginNameProblem(name)).toBeUndefined();
    expect(pluginShortName(name)).toBe(short);
  });
});

describe('scaffoldPlugin', () => {
  it('refuses a directory that is not empty, or a file, and overwrites nothing', () => {
    const taken = join(work, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'notes.txt'), 'keep me');
    expect(() => scaffoldPlugin('safeflow-plugin-x', taken)).toThrow(
      `${taken} is not empty; choose a new directory for the plugin`,
    );
    expect(readFileSync(join(taken, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(() => scaffoldPlugin('safeflow-plugin-x', join(taken, 'notes.txt'))).toThrow(
      'exists and is not a directory',
    );
  });

  it('writes a plugin package whose own tests pass and whose code type-checks', async () => {
    const dir = join(work, 'gas-lab');
    mkdirSync(dir); // an existing empty directory is fine
    const result = scaffoldPlugin('@acme/safeflow-plugin-gas-lab', dir);
    expect(result).toEqual({
      dir,
      name: '@acme/safeflow-plugin-gas-lab',
      taskType: 'gas-lab:check-limit',
      files: [
        'package.json',
        'tsconfig.json',
        '.gitignore',
        'README.md',
        'src/index.ts',
        'test/handler.test.ts',
      ],
    });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@acme/safeflow-plugin-gas-lab');
    expect(pkg.safeflow).toMatchObject({
      sdk: '^1.0.0',
      main: './dist/index.js',
      contributes: { taskTypes: ['gas-lab:check-limit'] },
      secrets: ['apiToken'],
    });
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('type="gas-lab:check-limit"');

    // The generated test, run by vitest in its own process. The config only adds the `source`
    // condition, so the SDK resolves to its TypeScript sources here as it does everywhere in the
    // repository (a published SDK resolves to its built files).
    const config = join(work, 'vitest.scaffold.config.mjs');
    writeFileSync(
      config,
      `export default { resolve: { conditions: ['source'] }, ssr: { resolve: { conditions: ['source'] } } };\n`,
    );
    const vitest = await run(
      'npx',
      ['vitest', 'run', '--root', dir, '--config', config, '--reporter', 'verbose'],
      dir,
    );
    expect(vitest.output).toMatch(/Tests\s+4 passed \(4\)/);
    expect(vitest.code).toBe(0);

    // The generated sources and test type-check against the SDK (strict, NodeNext).
    const tsconfig = join(work, 'tsconfig.scaffold-check.json');
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: './gas-lab/tsconfig.json',
        compilerOptions: { noEmit: true, rootDir: REPO, customConditions: ['source'] },
        // The engine's own declarations of its untyped vendor modules, as tsconfig.check.json has.
        include: [
          'gas-lab/src/**/*.ts',
          'gas-lab/test/**/*.ts',
          join(REPO, 'engine/src/**/*.d.ts'),
        ],
      }),
    );
    const tsc = await run('npx', ['tsc', '-p', tsconfig], REPO);
    expect(tsc.output).not.toMatch(/error TS/);
    expect(tsc.code).toBe(0);
  }, 180_000);
});
