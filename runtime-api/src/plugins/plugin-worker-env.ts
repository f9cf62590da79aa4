/**
 * What a plugin's worker thread inherits from the runtime's process: its environment minus what
 * opens the runtime's own doors, and the module conditions it was started with. Its own module
 * because the environment filter is a security boundary worth reading on its own.
 */

/**
 * The runtime's environment minus the database URL and password, the secrets key, the JWT secret
 * and the admin password (all of SAFEFLOW_*, DATABASE_URL and PG*).
 */
export function workerEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(SAFEFLOW_|DATABASE_URL$|PG)/.test(k)) env[k] = v;
  return env;
}

/**
 * `--conditions` of the runtime (npm start passes `source`), and `source` when the runtime runs
 * from its TypeScript sources (`fromSource`), so the worker resolves workspace packages the same
 * way.
 */
export function workerExecArgv(fromSource: boolean): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--conditions=')) out.push(a);
    else if ((a === '--conditions' || a === '-C') && argv[i + 1])
      out.push(`--conditions=${argv[++i]}`);
  }
  if (fromSource && !out.includes('--conditions=source')) out.push('--conditions=source');
  return out;
}
