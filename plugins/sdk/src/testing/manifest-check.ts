import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANIFEST_FIELD, type PluginManifest } from '../manifest.js';
import type { PluginDefinition } from '../plugin-definition.js';
import { SDK_VERSION } from '../sdk-version.js';

/** Task types the runtime itself handles, using a plugin's notifier or fact provider. */
const RUNTIME_TASK_TYPES = new Set(['safeflow:notify', 'safeflow:fact']);

/** A plugin package as the runtime sees it before loading any code. */
export interface PluginPackage {
  /** The package directory. */
  dir: string;
  name: string;
  version: string;
  manifest: PluginManifest;
}

/**
 * Reads a plugin package's package.json and its `"safeflow"` manifest. `location` is the package
 * directory or its package.json, as a path or a file URL (e.g. `new URL('..', import.meta.url)`
 * from a test file).
 */
export function readPluginPackage(location: string | URL): PluginPackage {
  let path = location instanceof URL ? fileURLToPath(location) : resolve(location);
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'package.json');
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const manifest = pkg[MANIFEST_FIELD];
  if (typeof manifest !== 'object' || manifest === null) {
    throw new Error(`${path} has no "${MANIFEST_FIELD}" manifest`);
  }
  return {
    dir: resolve(path, '..'),
    name: String(pkg.name),
    version: String(pkg.version),
    manifest: manifest as PluginManifest,
  };
}

const CONTRIBUTIONS = [
  ['taskTypes', 'taskHandlers'],
  ['notifiers', 'notifiers'],
  ['factProviders', 'factProviders'],
  ['connectors', 'connectors'],
  ['ruleOperators', 'ruleOperators'],
] as const;

/**
 * What the runtime would find wrong between a plugin's package (name, manifest) and its code:
 * a name that differs from the package's, contributions declared but not implemented (or the other
 * way round), element templates for task types the plugin does not handle, secrets that are not
 * configuration fields, an SDK range that excludes this SDK. With `mainMustExist` (for a package
 * whose `main` is its source, or after a build) also a `main` file that is not there. Empty when
 * they agree.
 */
export function checkPluginPackage(
  plugin: PluginDefinition<never>,
  pkg: PluginPackage,
  options: { mainMustExist?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const m = pkg.manifest;
  if (plugin.name !== pkg.name)
    problems.push(`plugin name '${plugin.name}' is not the package name '${pkg.name}'`);
  if (typeof m.sdk !== 'string' || m.sdk.trim() === '')
    problems.push('manifest has no "sdk" range');
  else if (!rangeAdmits(m.sdk, SDK_VERSION))
    problems.push(`manifest sdk range '${m.sdk}' does not include SDK ${SDK_VERSION}`);
  if (options.mainMustExist && m.main !== undefined && !existsSync(join(pkg.dir, m.main)))
    problems.push(`manifest main '${m.main}' does not exist`);

  for (const [declared, implemented] of CONTRIBUTIONS) {
    const listed = new Set(m.contributes?.[declared] ?? []);
    const present = new Set(Object.keys(plugin[implemented] ?? {}));
    for (const n of listed)
      if (!present.has(n))
        problems.push(
          `contributes.${declared} lists '${n}' but the plugin has no such ${implemented} entry`,
        );
    for (const n of present)
      if (!listed.has(n))
        problems.push(`${implemented} has '${n}' but contributes.${declared} does not list it`);
  }

  const taskTypes = new Set(Object.keys(plugin.taskHandlers ?? {}));
  // Templates may preset the runtime's own task types for the plugin's notifiers and fact providers.
  const templateIds = new Set<string>();
  for (const t of plugin.elementTemplates ?? []) {
    if (templateIds.has(t.id)) problems.push(`element template id '${t.id}' is used twice`);
    templateIds.add(t.id);
    const typeProp = t.properties.find(
      (p) => p.binding.type === 'zeebe:taskDefinition' && p.binding.property === 'type',
    );
    if (!typeProp) problems.push(`element template '${t.id}' does not set the task type`);
    else if (
      !taskTypes.has(String(typeProp.value)) &&
      !RUNTIME_TASK_TYPES.has(String(typeProp.value))
    ) {
      problems.push(
        `element template '${t.id}' sets task type '${String(typeProp.value)}', which the plugin does not handle`,
      );
    }
  }

  const schema = m.configSchema;
  if (schema !== undefined && schema.type !== 'object')
    problems.push('configSchema must describe an object ("type": "object")');
  const fields = (schema?.properties ?? {}) as Record<string, unknown>;
  for (const s of m.secrets ?? []) {
    if (!(s in fields)) problems.push(`secret '${s}' is not a property of configSchema`);
  }
  return problems;
}

/**
 * Whether a range admits `version`, for the forms plugins use: `^x.y.z`, `~x.y.z`, `>=x.y.z`,
 * `x.y.z`, `*`. Anything else is assumed to be fine here (the runtime checks it with semver).
 */
function rangeAdmits(range: string, version: string): boolean {
  const v = parse(version)!;
  const r = range.trim();
  if (r === '*' || r === 'x') return true;
  const m = /^(\^|~|>=)?\s*v?(\d+\.\d+\.\d+)$/.exec(r);
  if (!m) return true;
  const min = parse(m[2]!)!;
  const atLeast = compare(v, min) >= 0;
  switch (m[1]) {
    case '^':
      return (
        atLeast &&
        (min[0] > 0
          ? v[0] === min[0]
          : min[1] > 0
            ? v[0] === 0 && v[1] === min[1]
            : compare(v, min) === 0)
      );
    case '~':
      return atLeast && v[0] === min[0] && v[1] === min[1];
    case '>=':
      return atLeast;
    default:
      return compare(v, min) === 0;
  }
}

function parse(v: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! - b[i]!;
  return 0;
}
