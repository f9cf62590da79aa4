/**
 * The version of the plugin contract. A plugin's manifest names the range it was written for
 * (`"sdk": "^1.0.0"`); the runtime refuses a plugin whose range does not include this version.
 * Semantic versioning: a breaking change to any type exported here is a new major.
 */
export const SDK_VERSION = '1.0.0';
