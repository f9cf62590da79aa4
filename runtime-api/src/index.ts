export { createApp, AppModule, type RuntimeApp } from './app.js';
export { loadConfig, type RuntimeConfig } from './config.js';
export { verifyChain, eventHash, GENESIS_HASH, type VerifyResult } from './audit/hash-chain.js';
export { ManualClock, systemClock, type Clock } from './common/clock.js';
export { AuthService, type Credentials } from './auth/auth.service.js';
export type { Principal } from './auth/roles.js';
export { BpmnError, NOOP_JOB_TYPE, type JobContext, type JobHandler } from './jobs/job-handlers.js';
export { retryBackoffMs } from './jobs/jobs.service.js';
export {
  bundledDeployments,
  deployBundled,
  type BundledDeployment,
} from './bundled/bundled-deployments.js';
