/**
 * `npm start`: the SafeFlow runtime service on its defaults (sqlite under ./data, port 3000), with
 * the demo hot-work permit and the industry templates deployed.
 */
import { createApp } from './app.js';
import { bundledDeployments, deployBundled } from './bundled/bundled-deployments.js';
import { loadConfig } from './config.js';

const config = loadConfig();
const runtime = await createApp(config);
const { logger } = runtime;
// A plugin's stray timer or un-awaited promise that throws would end the process under Node's
// default. Everything that matters is in the database and the engine keeps no instance in memory
// between commands, so logging the error and serving on is safe — and a gas alarm keeps flowing.
process.on('unhandledRejection', (reason) =>
  logger.error({ err: reason }, 'unhandled promise rejection (kept running)'),
);
process.on('uncaughtException', (err) =>
  logger.error({ err }, 'uncaught exception (kept running)'),
);
try {
  const { bundles, skipped } = await bundledDeployments();
  if (skipped) logger.warn(skipped);
  const deployed = await deployBundled(runtime, bundles);
  logger.info({ processes: deployed }, 'bundled processes deployed');
} catch (e) {
  logger.warn({ err: e }, 'could not deploy the bundled processes');
}
const url = await runtime.listen();
logger.info(
  { url, database: config.databaseUrl ? 'postgres' : 'sqlite', dataDir: config.dataDir },
  'SafeFlow runtime listening',
);
process.stdout.write(`SafeFlow runtime listening on ${url.replace('127.0.0.1', 'localhost')}\n`);
