import { existsSync, readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ElementTemplate, PluginDefinition } from '@safeflow/plugin-sdk';
import { messageOf, withinTime } from './bounded-call.js';
import { PluginLoadError, type PluginPackage } from './plugin-package.js';
import { compileSchema, type SchemaCheck } from './plugin-json-schema.js';

/** A plugin whose code was imported and checked: ready to be configured and started. */
export interface LoadedPlugin {
  pkg: PluginPackage;
  definition: PluginDefinition;
  /** The configuration check (absent: the plugin takes any configuration). */
  configCheck: SchemaCheck | undefined;
  /** Parameter checks of its fact providers, by provider name. */
  paramsChecks: Map<string, SchemaCheck>;
  /** From its code and from the file its manifest names. */
  elementTemplates: ElementTemplate[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A path the manifest gives, kept inside the package (no `../../etc/passwd`). */
function insidePackage(pkg: PluginPackage, relative: string, what: string): string {
  const file = resolve(pkg.root, relative);
  if (file !== pkg.root && !file.startsWith(pkg.root + sep))
    throw new PluginLoadError(`plugin '${pkg.name}': ${what} '${relative}' is outside the package`);
  if (!existsSync(file))
    throw new PluginLoadError(`plugin '${pkg.name}': ${what} '${relative}' does not exist`);
  return file;
}

function compileOrRefuse(pkg: PluginPackage, schema: Record<string, unknown>, what: string) {
  try {
    return compileSchema(schema);
  } catch (e) {
    throw new PluginLoadError(
      `plugin '${pkg.name}': ${what} is not a valid JSON Schema: ${messageOf(e)}`,
    );
  }
}

/** Each contribution kind, and the function every entry of it must have. */
const CONTRIBUTIONS = [
  ['taskHandlers', undefined],
  ['factProviders', 'fetch'],
  ['connectors', 'start'],
  ['notifiers', 'send'],
  ['ruleOperators', 'evaluate'],
] as const;

/** Checks the shape of what the plugin exported: a wrong shape fails now, not in some later job. */
function checkDefinition(pkg: PluginPackage, exported: unknown): PluginDefinition {
  const where = `plugin '${pkg.name}'`;
  if (!isObject(exported))
    throw new PluginLoadError(
      `${where}: its main module has no default export of definePlugin({...})`,
    );
  if (exported.name !== pkg.name)
    throw new PluginLoadError(
      `${where}: its code declares the name ${JSON.stringify(exported.name)}; it must equal the package name`,
    );
  for (const hook of ['init', 'start', 'stop', 'health'])
    if (exported[hook] !== undefined && typeof exported[hook] !== 'function')
      throw new PluginLoadError(`${where}: ${hook} must be a function`);
  for (const [kind, fn] of CONTRIBUTIONS) {
    const entries = exported[kind];
    if (entries === undefined) continue;
    if (!isObject(entries)) throw new PluginLoadError(`${where}: ${kind} must be an object`);
    for (const [key, entry] of Object.entries(entries)) {
      const ok =
        fn === undefined
          ? typeof entry === 'function'
          : isObject(entry) && typeof entry[fn] === 'function';
      if (!ok)
        throw new PluginLoadError(
          `${where}: ${kind}.${key} must be ${fn === undefined ? 'a function' : `an object with ${fn}()`}`,
        );
    }
  }
  if (exported.elementTemplates !== undefined && !Array.isArray(exported.elementTemplates))
    throw new PluginLoadError(`${where}: elementTemplates must be an array`);
  return exported as unknown as PluginDefinition;
}

function checkTemplates(pkg: PluginPackage, templates: unknown[]): ElementTemplate[] {
  return templates.map((t, i) => {
    const ok =
      isObject(t) &&
      typeof t.id === 'string' &&
      typeof t.name === 'string' &&
      Array.isArray(t.appliesTo) &&
      Array.isArray(t.properties);
    if (!ok)
      throw new PluginLoadError(
        `plugin '${pkg.name}': element template #${i + 1} needs id, name, appliesTo[] and properties[]`,
      );
    return t as unknown as ElementTemplate;
  });
}

function manifestTemplates(pkg: PluginPackage): unknown[] {
  const path = pkg.manifest.contributes?.elementTemplates;
  if (path === undefined) return [];
  const file = insidePackage(pkg, path, 'contributes.elementTemplates');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PluginLoadError(`plugin '${pkg.name}': ${path} is not valid JSON: ${messageOf(e)}`);
  }
  return Array.isArray(json) ? json : [json];
}

/**
 * Checks what can be checked without running code (the config schema, the main file), then
 * imports the plugin's main module under a time limit (its top-level code runs here: a throw or a
 * top-level await that never ends fails this plugin only) and checks what it exports.
 */
export async function loadPlugin(pkg: PluginPackage, timeoutMs: number): Promise<LoadedPlugin> {
  const { manifest } = pkg;
  const configCheck = manifest.configSchema
    ? compileOrRefuse(pkg, manifest.configSchema, 'configSchema')
    : undefined;
  const fromManifest = manifestTemplates(pkg);
  const main = insidePackage(pkg, manifest.main ?? pkg.packageMain ?? 'index.js', 'main');
  let module: { default?: unknown };
  try {
    module = await withinTime(
      `loading plugin '${pkg.name}'`,
      timeoutMs,
      () => import(pathToFileURL(main).href) as Promise<{ default?: unknown }>,
    );
  } catch (e) {
    throw new PluginLoadError(`plugin '${pkg.name}' failed to load: ${messageOf(e)}`);
  }
  const definition = checkDefinition(pkg, module.default);
  const paramsChecks = new Map<string, SchemaCheck>();
  for (const [name, provider] of Object.entries(definition.factProviders ?? {}))
    if (provider.paramsSchema)
      paramsChecks.set(
        name,
        compileOrRefuse(pkg, provider.paramsSchema, `factProviders.${name}.paramsSchema`),
      );
  return {
    pkg,
    definition,
    configCheck,
    paramsChecks,
    elementTemplates: checkTemplates(pkg, [
      ...(definition.elementTemplates ?? []),
      ...fromManifest,
    ]),
  };
}

/** The names a manifest announces, for plugins whose code could not be loaded. */
export function announcedContributions(pkg: PluginPackage | undefined) {
  const c = pkg?.manifest.contributes ?? {};
  return {
    taskTypes: c.taskTypes ?? [],
    factProviders: c.factProviders ?? [],
    connectors: c.connectors ?? [],
    notifiers: c.notifiers ?? [],
    ruleOperators: c.ruleOperators ?? [],
  };
}
