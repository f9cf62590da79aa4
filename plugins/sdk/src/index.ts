/**
 * The contract a SafeFlow plugin is written against: `definePlugin` and the types of what a plugin
 * contributes (task handlers, fact providers, connectors, notifiers, rule operators, element
 * templates) and of the context the runtime hands it.
 *
 * @module @safeflow/plugin-sdk
 */
export { SDK_VERSION } from './sdk-version.js';
export { MANIFEST_FIELD, type PluginManifest } from './manifest.js';
export type { JsonSchema, JsonValue, Variables } from './json-schema.js';
export type { PluginContext, JobContext, PluginLogger } from './plugin-context.js';
export {
  complete,
  fail,
  bpmnError,
  type JobInput,
  type JobOutcome,
  type TaskHandler,
} from './task-handler.js';
export type { FactProvider, Fact } from './fact-provider.js';
export type {
  Connector,
  ConnectorFactory,
  Reading,
  ReadingQuality,
  ReadingSink,
} from './connector.js';
export type { Notifier, Notification, DeliveryReceipt } from './notifier.js';
export type { RuleOperator } from './rule-operator.js';
export type { ElementTemplate, ElementTemplateProperty } from './element-template.js';
export { definePlugin, type PluginDefinition, type PluginHealth } from './plugin-definition.js';
