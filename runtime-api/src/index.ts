export { createApp, AppModule, type RuntimeApp } from './app.js';
export { loadConfig, type RuntimeConfig } from './config.js';
export { verifyChain, eventHash, GENESIS_HASH, type VerifyResult } from './audit/hash-chain.js';
