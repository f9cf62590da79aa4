/**
 * `safeflow plugin new <name>` as an integrator runs it: a child process on the repository's CLI
 * entry. The generated package's own tests are run by the SDK's scaffold test; here: the command
 * line, where it writes, and its refusals.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = 'runtime-api/src/cli/safeflow.ts';

/**
 * Runs from the repository (where `--import tsx` resolves); `INIT_CWD` is the folder the user was
 * in, as `npm run safeflow` / `npx safeflow` set it.
 */
function safeflow(args: string[], userCwd: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', CLI, ...args],
      {
        cwd: ROOT,
        env: {
          INIT_CWD: userCwd,
          PATH: process.env.PATH ?? '',
          TSX_TSCONFIG_PATH: 'runtime-api/tsconfig.json',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('safeflow plugin new', () => {
  const work = mkdtempSync(join(tmpdir(), 'safeflow-plugin-new-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('creates a plugin package named by its short name in the current folder', async () => {
    const r = await safeflow(['plugin', 'new', '@acme/safeflow-plugin-gas-lab'], work);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("sample task type 'gas-lab:check-limit'");
    const pkg = JSON.parse(readFileSync(join(work, 'gas-lab', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@acme/safeflow-plugin-gas-lab');
    expect(pkg.safeflow).toMatchObject({ sdk: expect.stringMatching(/^\^1\./) });
    expect(existsSync(join(work, 'gas-lab', 'src', 'index.ts'))).toBe(true);
    expect(existsSync(join(work, 'gas-lab', 'test', 'handler.test.ts'))).toBe(true);
  });

  it('writes into --dir, and refuses a non-empty folder without touching it', async () => {
    const target = join(work, 'custom');
    expect(
      (await safeflow(['plugin', 'new', 'safeflow-plugin-dcs', '--dir', target], work)).code,
    ).toBe(0);
    expect(existsSync(join(target, 'package.json'))).toBe(true);

    const busy = join(work, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'keep me');
    const refused = await safeflow(['plugin', 'new', 'safeflow-plugin-x', '--dir', busy], work);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not empty');
    expect(readFileSync(join(busy, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(busy, 'package.json'))).toBe(false);
  });

  it('refuses a bad package name and a missing name with exit code 2', async () => {
    const bad = await safeflow(['plugin', 'new', 'Bad Name!'], work);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'Bad Name!' is not a valid package name");
    const missing = await safeflow(['plugin', 'new'], work);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('the plugin needs a name');
    expect(missing.stderr).toContain('usage: safeflow plugin new');
  });
});
