import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FIELD, SDK_VERSION, type PluginManifest } from '@safeflow/plugin-sdk';
import semver from 'semver';
import { isObject } from './is-object.js';

/** Where a plugin was found: an npm package named in the config, or a folder of the plugins dir. */
export type PluginSource = 'package' | 'folder';

/** A plugin package as read from its package.json, before any of its code has run. */
export interface PluginPackage {
  name: string;
  version: string;
  /** The package's folder. */
  root: string;
  source: PluginSource;
  manifest: PluginManifest;
  /** The package.json `main`, the fallback when the manifest names no `main`. */
  packageMain: string | undefined;
}

/** A plugin that cannot be loaded: the message says which plugin and what to do about it. */
export class PluginLoadError extends Error {
  constructor(
    message: string,
    /** The plugin's name, once its package.json gave one. */
    readonly plugin?: string,
  ) {
    super(message);
  }
}

const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Reads `<root>/package.json` as JSON; undefined when there is none. */
export function readPackageJson(root: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(join(root, 'package.json'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PluginLoadError(`cannot read ${join(root, 'package.json')}: ${(e as Error).message}`);
  }
  try {
    const json: unknown = JSON.parse(text);
    if (!isObject(json)) throw new Error('not a JSON object');
    return json;
  } catch (e) {
    throw new PluginLoadError(
      `${join(root, 'package.json')} is not valid JSON: ${(e as Error).message}`,
    );
  }
}

/** Checks the manifest's shape: every field the runtime relies on, named when wrong. */
function checkManifest(name: string, raw: unknown): PluginManifest {
  const where = `plugin '${name}': package.json "${MANIFEST_FIELD}"`;
  if (!isObject(raw)) throw new PluginLoadError(`${where} must be an object`);
  if (typeof raw.sdk !== 'string' || semver.validRange(raw.sdk) === null)
    throw new PluginLoadError(
      `${where}.sdk must be a semver range of the plugin SDK (e.g. "^1.0.0"), got ${JSON.stringify(raw.sdk)}`,
    );
  if (raw.main !== undefined && typeof raw.main !== 'string')
    throw new PluginLoadError(`${where}.main must be a path (string)`);
  if (raw.secrets !== undefined && !isStringArray(raw.secrets))
    throw new PluginLoadError(`${where}.secrets must be an array of field names`);
  if (raw.configSchema !== undefined && !isObject(raw.configSchema))
    throw new PluginLoadError(`${where}.configSchema must be a JSON Schema object`);
  if (raw.contributes !== undefined && !isObject(raw.contributes))
    throw new PluginLoadError(`${where}.contributes must be an object`);
  for (const field of ['displayName', 'description'] as const)
    if (raw[field] !== undefined && typeof raw[field] !== 'string')
      throw new PluginLoadError(`${where}.${field} must be a string`);
  return raw as unknown as PluginManifest;
}

/**
 * Refuses a plugin written for an SDK this runtime does not provide, before its code runs: a
 * plugin built against another major version would fail at some later job, in a worse place.
 */
export function checkSdkRange(name: string, range: string): void {
  if (!semver.satisfies(SDK_VERSION, range, { includePrerelease: true }))
    throw new PluginLoadError(
      `plugin '${name}' needs plugin SDK ${range}, but this runtime provides SDK ${SDK_VERSION}: ` +
        `install a version of the plugin built for SDK ${semver.major(SDK_VERSION)}.x`,
    );
}

/**
 * Reads a plugin's package.json and manifest (no plugin code runs) and checks its SDK range.
 * Undefined when the package.json has no `"safeflow"` field (a folder that is not a plugin).
 */
export function readPluginPackage(root: string, source: PluginSource): PluginPackage | undefined {
  const json = readPackageJson(root);
  if (!json) throw new PluginLoadError(`no package.json in ${root}`);
  if (!(MANIFEST_FIELD in json)) return undefined;
  if (typeof json.name !== 'string' || json.name === '')
    throw new PluginLoadError(`${join(root, 'package.json')} has no "name"`);
  const name = json.name;
  try {
    const manifest = checkManifest(name, json[MANIFEST_FIELD]);
    checkSdkRange(name, manifest.sdk);
    return {
      name,
      version: typeof json.version === 'string' ? json.version : '0.0.0',
      root,
      source,
      manifest,
      packageMain: typeof json.main === 'string' ? json.main : undefined,
    };
  } catch (e) {
    throw new PluginLoadError((e as Error).message, name);
  }
}
