/** Runs the memory probe in a child process (fresh heap, --expose-gc) and parses its result line. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemoryProbeResult } from './memory-probe.js';
import { REPO_ROOT } from './permit-model.js';

const PROBE = fileURLToPath(new URL('./memory-probe.ts', import.meta.url));

export function measureMemory(
  engine: MemoryProbeResult['engine'],
  count: number,
): Promise<MemoryProbeResult> {
  const args = [
    '--expose-gc',
    '--conditions=source',
    '--import',
    'tsx',
    PROBE,
    engine,
    String(count),
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`memory probe (${engine}, ${count}) failed: ${err.message}\n${stderr}`));
          return;
        }
        const last = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(last) as MemoryProbeResult);
        } catch {
          reject(
            new Error(
              `memory probe (${engine}, ${count}) printed no result:\n${stdout}\n${stderr}`,
            ),
          );
        }
      },
    );
  });
}
