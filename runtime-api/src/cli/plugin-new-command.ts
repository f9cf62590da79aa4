import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { pluginShortName, scaffoldPlugin, ScaffoldError } from '@safeflow/plugin-sdk/scaffold';
import { EXIT, UsageError, type CliCommand, type CliIo } from './cli-command.js';

const USAGE =
  '<name> [--dir DIR]\n' +
  '  <name>     npm package name of the plugin, e.g. safeflow-plugin-gas-lab or @acme/safeflow-plugin-dcs\n' +
  '  --dir DIR  where to create it (default: ./<short name>, e.g. ./gas-lab); must be new or empty\n' +
  'exit code: 0 created, 2 bad name or the directory is not empty';

/** `safeflow plugin new <name>`: a plugin package with a sample handler and its test harness. */
export const pluginNewCommand: CliCommand = {
  words: ['plugin', 'new'],
  summary: 'create a plugin package (sample task handler, element template, tests)',
  usage: USAGE,
  run(args: string[], io: CliIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: { dir: { type: 'string' } },
      });
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const [name, ...extra] = parsed.positionals;
    if (!name) throw new UsageError('the plugin needs a name');
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const cwd = io.env.INIT_CWD ?? process.cwd();
    try {
      const target = parsed.values.dir ?? join(cwd, pluginShortName(name));
      const result = scaffoldPlugin(name, target);
      const where = relative(cwd, result.dir) || '.';
      io.out(
        `Created ${result.name} in ${where} (sample task type '${result.taskType}'):\n` +
          result.files.map((f) => `  ${f}\n`).join('') +
          `\nNext: cd ${where} && npm install && npm test — then see docs/plugins.md.\n`,
      );
      return Promise.resolve(EXIT.ok);
    } catch (e) {
      if (e instanceof ScaffoldError) {
        io.err(`safeflow plugin new: ${e.message}\n`);
        return Promise.resolve(EXIT.usage);
      }
      throw e;
    }
  },
};
