/**
 * The real runtime (`runtime-api/src/main.ts`, as `npm start` runs it) in a child process, so that a
 * test can kill it with SIGKILL — no shutdown hooks, no flushing, transactions cut wherever they
 * are — and start it again on the same database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: `npm start` runs from there. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LISTENING = /SafeFlow runtime listening on (\S+)/;
/** Lines of the child's output kept for the failure message. */
const TAIL_LINES = 40;

export interface ServerEnv {
  /** SAFEFLOW_DATA_DIR (sqlite file, or only the JWT secret on PostgreSQL). */
  dataDir: string;
  adminPassword: string;
  databaseUrl?: string;
  databaseSchema?: string;
  jobPollMs: number;
  timerPollMs: number;
}

export class ServerProcess {
  private readonly tail: string[] = [];
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcess,
    readonly label: string,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Starts `main.ts` on a free port; resolves with the base URL once it prints that it listens. */
  static async start(
    env: ServerEnv,
    label: string,
    timeoutMs = 90_000,
  ): Promise<{ server: ServerProcess; base: string }> {
    const childEnv: NodeJS.ProcessEnv = { ...process.env };
    // Only what this test chooses: nothing inherited may point the child at another database.
    for (const k of Object.keys(childEnv))
      if (k.startsWith('SAFEFLOW_') || k === 'DATABASE_URL' || k === 'PORT') delete childEnv[k];
    Object.assign(childEnv, {
      TSX_TSCONFIG_PATH: 'runtime-api/tsconfig.json',
      SAFEFLOW_DATA_DIR: env.dataDir,
      SAFEFLOW_ADMIN_PASSWORD: env.adminPassword,
      // Fixed, so tokens issued by the first process stay valid after the restart.
      SAFEFLOW_JWT_SECRET: 'crash-test-jwt-secret',
      SAFEFLOW_JOB_POLL_MS: String(env.jobPollMs),
      SAFEFLOW_TIMER_POLL_MS: String(env.timerPollMs),
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
      ...(env.databaseSchema ? { SAFEFLOW_DB_SCHEMA: env.databaseSchema } : {}),
    });
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'runtime-api/src/main.ts'],
      { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new ServerProcess(child, label);
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(server.failure(`did not listen within ${timeoutMs} ms`));
      }, timeoutMs);
      const onData = (chunk: Buffer) => {
        const m = LISTENING.exec(chunk.toString('utf8'));
        if (!m?.[1]) return;
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        // main.ts prints `localhost`; the server listens on IPv4 only.
        resolve(m[1].replace('localhost', '127.0.0.1'));
      };
      child.stdout?.on('data', onData);
      void server.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(server.failure(`exited before listening (code ${code}, signal ${signal})`));
      });
    });
    return { server, base };
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGKILL: the process gets no chance to finish anything. Resolves once it is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    const { signal } = await this.exited;
    if (signal !== 'SIGKILL' && signal !== null)
      throw this.failure(`ended by ${signal}, not SIGKILL`);
  }

  /** An error carrying the child's last output lines. */
  failure(what: string): Error {
    return new Error(`${this.label} ${what}; its last output:\n${this.tail.join('\n')}`);
  }
}
