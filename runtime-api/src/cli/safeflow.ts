/**
 * `safeflow <command> [options]`: operators' commands that work on a SafeFlow database directly,
 * without the HTTP service. Subcommands are registered in COMMANDS by the words that name them.
 * Run from the repository with `node --conditions=source --import tsx runtime-api/src/cli/safeflow.ts`
 * or, built, through `runtime-api/bin/safeflow.mjs`.
 */
import { pathToFileURL } from 'node:url';
import { auditVerifyCommand } from './audit-verify-command.js';
import { pluginNewCommand } from './plugin-new-command.js';
import { EXIT, processIo, UsageError, type CliCommand, type CliIo } from './cli-command.js';

export const COMMANDS: CliCommand[] = [auditVerifyCommand, pluginNewCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.words.join(' ').length));
  return [
    'usage: safeflow <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    "Run 'safeflow <command> --help' for a command's options.",
    '',
  ].join('\n');
}

/** Picks the command whose words start `argv` (the longest such) and runs it; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    (argv.length === 0 ? io.err : io.out)(overview());
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  const command = [...COMMANDS]
    .sort((a, b) => b.words.length - a.words.length)
    .find((c) => c.words.every((w, i) => argv[i] === w));
  if (!command) {
    io.err(`safeflow: unknown command '${argv.filter((a) => !a.startsWith('-')).join(' ')}'\n\n`);
    io.err(overview());
    return EXIT.usage;
  }
  const args = argv.slice(command.words.length);
  const name = `safeflow ${command.words.join(' ')}`;
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`usage: ${name} ${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${name}: ${e.message}\nusage: ${name} ${command.usage}\n`);
      return EXIT.usage;
    }
    io.err(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.usage;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2), processIo());
}
