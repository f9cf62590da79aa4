import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiSuite } from './api-suite.js';
import { deploymentsSuite } from './deployments-suite.js';
import { instancesSuite } from './instances-suite.js';
import { identitySuite } from './identity-suite.js';
import { jobsSuite } from './jobs-suite.js';
import { ledgerSuite } from './ledger-suite.js';
import { messagesSuite } from './messages-suite.js';
import { tasksSuite } from './tasks-suite.js';
import { openapiSuite } from './openapi-suite.js';
import { realtimeSuite } from './realtime-suite.js';
import { pollLoopsSuite } from './poll-loops-suite.js';
import { pluginsSuite } from './plugins-suite.js';
import { routeRolesSuite } from './route-roles-suite.js';
import { timersSuite } from './timers-suite.js';

const sqlite = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'safeflow-api-'));
  return {
    config: () => ({ dataDir }),
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
};

apiSuite('sqlite', sqlite);
deploymentsSuite('sqlite', sqlite);
instancesSuite('sqlite', sqlite);
jobsSuite('sqlite', sqlite);
identitySuite('sqlite', sqlite);
timersSuite('sqlite', sqlite);
messagesSuite('sqlite', sqlite);
tasksSuite('sqlite', sqlite);
ledgerSuite('sqlite', sqlite);
realtimeSuite('sqlite', sqlite);
openapiSuite('sqlite', sqlite);
pollLoopsSuite('sqlite', sqlite);
pluginsSuite('sqlite', sqlite);
routeRolesSuite('sqlite', sqlite);
