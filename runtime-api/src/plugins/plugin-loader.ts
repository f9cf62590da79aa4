import { existsSync, readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { ElementTemplate } from '@safeflow/plugin-sdk';
import { messageOf } from './bounded-call.js';
import { PluginLoadError, type PluginPackage } from './plugin-package.js';
import { compileSchema, type SchemaCheck } from './plugin-json-schema.js';
import type { PluginDescriptor } from './plugin-worker-protocol.js';
import { PluginWorker } from './plugin-worker.js';
import type { PluginWorkerEvents, PluginWorkerOptions } from './plugin-worker-options.js';
import { isObject } from './is-object.js';

/** A plugin whose code was imported (in its worker) and checked: ready to be configured and started. */
export interface LoadedPlugin {
  pkg: PluginPackage;
  /** Absolute path of its main module (a restarted worker imports it again). */
  main: string;
  /** What its worker found in the export: names, schemas, templates — no code. */
  definition: PluginDescriptor;
  /** The configuration check (absent: the plugin takes any configuration). */
  configCheck: SchemaCheck | undefined;
  /** Parameter checks of its fact providers, by provider name. */
  paramsChecks: Map<string, SchemaCheck>;
  /** From its code and from the file its manifest names. */
  elementTemplates: ElementTemplate[];
}

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

/** How plugin workers are run: everything but the plugin, its main and its events. */
export type WorkerSettings = Omit<PluginWorkerOptions, 'plugin' | 'main'>;

/**
 * Checks what can be checked without running code (the config schema, the main file), then
 * starts the plugin's worker, which imports its main module under the load time limit (its
 * top-level code runs there: a throw, a top-level await that never ends or a busy loop fails this
 * plugin only) and checks what it exports. Answers the plugin and its running worker.
 */
export async function loadPlugin(
  pkg: PluginPackage,
  settings: WorkerSettings,
  events: PluginWorkerEvents,
): Promise<{ loaded: LoadedPlugin; worker: PluginWorker }> {
  const { manifest } = pkg;
  const configCheck = manifest.configSchema
    ? compileOrRefuse(pkg, manifest.configSchema, 'configSchema')
    : undefined;
  const fromManifest = manifestTemplates(pkg);
  const main = insidePackage(pkg, manifest.main ?? pkg.packageMain ?? 'index.js', 'main');
  let spawned: Awaited<ReturnType<typeof PluginWorker.spawn>>;
  try {
    spawned = await PluginWorker.spawn({ ...settings, plugin: pkg.name, main }, events);
  } catch (e) {
    throw new PluginLoadError(messageOf(e));
  }
  const { worker, descriptor: definition } = spawned;
  try {
    const paramsChecks = new Map<string, SchemaCheck>();
    for (const [name, provider] of Object.entries(definition.factProviders))
      if (provider.paramsSchema)
        paramsChecks.set(
          name,
          compileOrRefuse(pkg, provider.paramsSchema, `factProviders.${name}.paramsSchema`),
        );
    const loaded: LoadedPlugin = {
      pkg,
      main,
      definition,
      configCheck,
      paramsChecks,
      elementTemplates: checkTemplates(pkg, [...definition.elementTemplates, ...fromManifest]),
    };
    return { loaded, worker };
  } catch (e) {
    await worker.terminate('refused at load');
    throw e;
  }
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
