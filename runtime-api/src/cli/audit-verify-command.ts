import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import {
  inReadSnapshot,
  verifyDatabase,
  verifyInstance,
  type AuditProblem,
  type AuditReport,
} from '../audit/audit-verifier.js';
import { loadConfig } from '../config.js';
import { openReadOnlyDataSource, sqliteFile } from '../persistence/data-source.js';
import { EXIT, UsageError, type CliCommand, type CliIo } from './cli-command.js';

const USAGE =
  '[--data-dir DIR | --database-url URL] [--schema S] [--process-instance ID]\n' +
  '       [--ledger-head SEQ:HASH] [--json]\n' +
  '  --data-dir DIR         sqlite database in DIR (default: $SAFEFLOW_DATA_DIR or ./data)\n' +
  '  --database-url URL     PostgreSQL instead (default: $DATABASE_URL)\n' +
  '  --schema S             PostgreSQL schema (default: $SAFEFLOW_DB_SCHEMA or public)\n' +
  '  --process-instance ID  verify one process instance (and its ledger entries) only\n' +
  '  --ledger-head SEQ:HASH a ledger head printed by an earlier run: it must still be there\n' +
  '  --json                 print the report as JSON\n' +
  'exit code: 0 valid, 1 tampered, 2 bad usage or the database could not be read';

interface Target {
  databaseUrl?: string;
  databaseSchema?: string;
  dataDir: string;
  /** For people and the JSON report: never contains a password. */
  description: string;
}

/**
 * `safeflow audit verify`: the audit verification of `GET /api/audit/verify`, offline. Opens the
 * database read-only (no migrations, nothing written), so it can run next to the service, on a
 * backup, or on a copy handed to an auditor.
 */
export const auditVerifyCommand: CliCommand = {
  words: ['audit', 'verify'],
  summary: 'recompute the hash chains and the audit ledger of a database (read-only)',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArguments(args);
    const target = targetOf(values, io.env);
    const instanceId = values['process-instance'];
    const recordedHead = recordedHeadOf(values['ledger-head'], instanceId);
    let ds: DataSource;
    try {
      ds = await openReadOnlyDataSource(target);
    } catch (e) {
      io.err(
        `safeflow audit verify: cannot open the database ${target.description}: ${scrub(e, target)}\n`,
      );
      return EXIT.usage;
    }
    try {
      const missing = await missingTables(ds);
      if (missing) {
        io.err(
          `safeflow audit verify: ${target.description} is not a SafeFlow database with an audit ` +
            `ledger (${missing}); start the service on it once so its migrations run\n`,
        );
        return EXIT.usage;
      }
      const report = await inReadSnapshot(ds, (m) =>
        instanceId
          ? verifyInstance(m, instanceId)
          : verifyDatabase(m, recordedHead ? { expectLedgerEntry: recordedHead } : {}),
      );
      if (!report) {
        io.err(
          `safeflow audit verify: no process instance '${instanceId}' in ${target.description}\n`,
        );
        return EXIT.usage;
      }
      io.out(
        values.json
          ? `${JSON.stringify({ database: target.description, ...(instanceId ? { processInstanceId: instanceId } : {}), ...report }, null, 2)}\n`
          : humanReport(report, target, instanceId),
      );
      return report.valid ? EXIT.ok : EXIT.failed;
    } catch (e) {
      io.err(`safeflow audit verify: reading ${target.description} failed: ${scrub(e, target)}\n`);
      return EXIT.usage;
    } finally {
      await ds.destroy().catch(() => undefined);
    }
  },
};

type Values = ReturnType<typeof parseArguments>['values'];

function parseArguments(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        schema: { type: 'string' },
        'process-instance': { type: 'string' },
        'ledger-head': { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

/** `--ledger-head SEQ:HASH`, as the human report prints it. */
function recordedHeadOf(
  value: string | undefined,
  instanceId: string | undefined,
): { seq: number; hash: string } | undefined {
  if (value === undefined) return undefined;
  if (instanceId !== undefined)
    throw new UsageError('--ledger-head checks the whole ledger: leave out --process-instance');
  const match = /^([1-9][0-9]*):([0-9a-f]{64})$/.exec(value);
  if (!match)
    throw new UsageError(`--ledger-head: expected SEQ:HASH (64 hex digits), got '${value}'`);
  return { seq: Number(match[1]), hash: match[2]! };
}

/** Flags first, then the service's own environment variables and defaults (`loadConfig`). */
function targetOf(values: Values, env: NodeJS.ProcessEnv): Target {
  if (values['data-dir'] !== undefined && values['database-url'] !== undefined)
    throw new UsageError('give --data-dir (sqlite) or --database-url (PostgreSQL), not both');
  for (const flag of ['data-dir', 'database-url', 'schema', 'process-instance'] as const) {
    if (values[flag] === '') throw new UsageError(`--${flag} needs a value`);
  }
  // Only the variables that select the database: an unrelated bad one must not stop an audit.
  const config = loadConfig({
    SAFEFLOW_DATA_DIR: values['data-dir'] ?? env.SAFEFLOW_DATA_DIR,
    // An explicit --data-dir means sqlite, whatever DATABASE_URL says.
    DATABASE_URL:
      values['data-dir'] !== undefined ? undefined : (values['database-url'] ?? env.DATABASE_URL),
    SAFEFLOW_DB_SCHEMA: values.schema ?? env.SAFEFLOW_DB_SCHEMA,
  });
  if (!config.databaseUrl) {
    if (values.schema !== undefined)
      throw new UsageError('--schema applies to PostgreSQL (--database-url) only');
    return { dataDir: config.dataDir, description: `sqlite ${sqliteFile(config.dataDir)}` };
  }
  const schema = config.databaseSchema;
  return {
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    ...(schema ? { databaseSchema: schema } : {}),
    description: `PostgreSQL ${maskedUrl(config.databaseUrl)}${schema ? ` schema ${schema}` : ''}`,
  };
}

function maskedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unreadable URL)';
  }
}

/** An error's message without the database password, should a driver ever echo it. */
function scrub(e: unknown, target: Target): string {
  let message = e instanceof Error ? e.message || e.name : String(e);
  if (target.databaseUrl) {
    let password = '';
    try {
      password = decodeURIComponent(new URL(target.databaseUrl).password);
    } catch {
      message = message.split(target.databaseUrl).join('(database URL)');
    }
    if (password) message = message.split(password).join('***');
  }
  return message;
}

/** The tables the verifier reads, if one is missing (an empty or never-migrated database). */
async function missingTables(ds: DataSource): Promise<string | undefined> {
  for (const [table, column] of [
    ['instance', 'id'],
    ['instance_event', 'seq'],
    ['audit_ledger', 'seq'],
  ]) {
    try {
      await ds.query(`SELECT ${column} FROM ${table} WHERE 1 = 0`);
    } catch {
      return `no table ${table}`;
    }
  }
  return undefined;
}

function humanReport(report: AuditReport, target: Target, instanceId: string | undefined): string {
  const scope = instanceId ? `process instance ${instanceId}` : `${target.description}`;
  const covered =
    `${report.instances} instance${report.instances === 1 ? '' : 's'}, ${report.checked} ` +
    `event${report.checked === 1 ? '' : 's'}, ${report.ledgerEntries} ledger entr${report.ledgerEntries === 1 ? 'y' : 'ies'} checked`;
  const lines = report.valid
    ? [`VALID: ${scope}`, `  ${covered}`]
    : [
        `TAMPERED: ${scope}`,
        `  ${covered}; ${report.problems.length}${report.truncated ? '+' : ''} problem${report.problems.length === 1 ? '' : 's'}:`,
        ...report.problems.map((p, i) => `  ${i + 1}. ${where(p)}\n     ${p.reason}`),
      ];
  if (instanceId) lines.push(`  database: ${target.description}`);
  if (report.ledgerHead) {
    lines.push(`  ledger head: ${report.ledgerHead.seq}:${report.ledgerHead.hash}`);
    if (report.valid)
      lines.push(
        '  (keep it outside the database: a later run with --ledger-head SEQ:HASH proves that no',
        '  commit was cut off the end since)',
      );
  }
  return `${lines.join('\n')}\n`;
}

function where(p: AuditProblem): string {
  const parts = [
    p.processInstanceId !== undefined ? `process instance ${p.processInstanceId}` : undefined,
    p.firstBrokenSeq !== undefined ? `first broken event seq ${p.firstBrokenSeq}` : undefined,
    p.ledgerSeq !== undefined ? `ledger entry ${p.ledgerSeq}` : undefined,
  ].filter((x) => x !== undefined);
  return parts.length > 0 ? parts.join(', ') : p.code;
}
