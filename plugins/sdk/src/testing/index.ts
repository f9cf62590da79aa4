/**
 * `@safeflow/plugin-sdk/testing`: runs a plugin's contributions the way the runtime does — task
 * handlers on a real in-memory engine, notifiers, fact providers and connectors with a test context
 * — so a plugin is tested without a SafeFlow server.
 *
 * @module @safeflow/plugin-sdk/testing
 */
export { createTestClock, TEST_EPOCH, type TestClock } from './test-clock.js';
export { createRecordingLogger, type LogLevel, type LogLine } from './recording-logger.js';
export { leakedSecrets } from './secret-leaks.js';
export { startTestPlugin, type PluginTestOptions, type TestPlugin } from './test-plugin.js';
export { oneTaskProcess, ONE_TASK_IDS, type OneTaskProcessOptions } from './one-task-process.js';
export {
  runHandler,
  defaultRetryBackoffMs,
  type RunHandlerOptions,
  type HandlerRun,
  type HandlerAttempt,
} from './run-handler.js';
export {
  testNotifier,
  testNotification,
  type NotifierTestOptions,
  type NotifierRun,
} from './test-notifier.js';
export {
  testFactProvider,
  type FactProviderTestOptions,
  type FactProviderRun,
} from './test-fact-provider.js';
export {
  testConnector,
  type ConnectorTestOptions,
  type ConnectorHarness,
  type ConnectionState,
} from './test-connector.js';
export { readPluginPackage, checkPluginPackage, type PluginPackage } from './manifest-check.js';
