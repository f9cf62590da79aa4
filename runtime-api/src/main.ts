/**
 * `npm start`: the SafeFlow runtime service on its defaults (sqlite under ./data, port 3000), with
 * the demo hot-work permit deployed.
 */
import { readFileSync } from 'node:fs';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { DeploymentEntity } from './persistence/entities.js';

const DEMO = new URL('../../examples/engine-demo/hot-work-permit.bpmn', import.meta.url);

const config = loadConfig();
const runtime = await createApp(config);
const { engineHost, logger } = runtime;
try {
  const content = readFileSync(DEMO, 'utf8');
  const resources = [{ name: 'hot-work-permit.bpmn', content }];
  // The same content deployed again makes no new version, but would add a deployment row each start.
  const known = await runtime.dataSource
    .getRepository(DeploymentEntity)
    .findOneBy({ name: 'demo', resources: JSON.stringify(resources) });
  if (!known) {
    const { result } = await engineHost.deploy({ name: 'demo', resources }, 'system');
    logger.info({ processes: result.processes.map((p) => p.key) }, 'demo process deployed');
  }
} catch (e) {
  logger.warn({ err: e }, 'could not deploy the demo process');
}
const url = await runtime.listen();
logger.info(
  { url, database: config.databaseUrl ? 'postgres' : 'sqlite', dataDir: config.dataDir },
  'SafeFlow runtime listening',
);
process.stdout.write(`SafeFlow runtime listening on ${url.replace('127.0.0.1', 'localhost')}\n`);
