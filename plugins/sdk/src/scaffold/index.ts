/**
 * `@safeflow/plugin-sdk/scaffold`: generates a new plugin package (`safeflow plugin new <name>`).
 *
 * @module @safeflow/plugin-sdk/scaffold
 */
export { scaffoldPlugin, type ScaffoldResult } from './scaffold-plugin.js';
export { ScaffoldError, pluginNameProblem, pluginShortName } from './plugin-name.js';
export { pluginFiles, sampleTaskType, type PluginFileInputs } from './plugin-files.js';
