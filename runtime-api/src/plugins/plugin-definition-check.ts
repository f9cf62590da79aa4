/**
 * Checks what a plugin's main module exported and describes it as data. Runs inside the plugin's
 * worker (where the exported object lives); only the description crosses to the runtime. No
 * imports of the runtime here (only the dependency-free is-object): the worker loads this module
 * and nothing else of SafeFlow.
 */
import type { PluginDefinition } from '@safeflow/plugin-sdk';
import type { PluginDescriptor } from './plugin-worker-protocol.js';
import { isObject } from './is-object.js';

/** Each contribution kind, and the function every entry of it must have. */
const CONTRIBUTIONS = [
  ['taskHandlers', undefined],
  ['factProviders', 'fetch'],
  ['connectors', 'start'],
  ['notifiers', 'send'],
  ['ruleOperators', 'evaluate'],
] as const;

const HOOKS = ['init', 'start', 'stop', 'health'] as const;

/** A plugin whose export does not fit; the message names the plugin and what is wrong. */
export class PluginDefinitionError extends Error {}

/** Checks the shape of what the plugin exported: a wrong shape fails now, not in some later job. */
export function checkDefinition(name: string, exported: unknown): PluginDefinition {
  const where = `plugin '${name}'`;
  if (!isObject(exported))
    throw new PluginDefinitionError(
      `${where}: its main module has no default export of definePlugin({...})`,
    );
  if (exported.name !== name)
    throw new PluginDefinitionError(
      `${where}: its code declares the name ${JSON.stringify(exported.name)}; it must equal the package name`,
    );
  for (const hook of HOOKS)
    if (exported[hook] !== undefined && typeof exported[hook] !== 'function')
      throw new PluginDefinitionError(`${where}: ${hook} must be a function`);
  for (const [kind, fn] of CONTRIBUTIONS) {
    const entries = exported[kind];
    if (entries === undefined) continue;
    if (!isObject(entries)) throw new PluginDefinitionError(`${where}: ${kind} must be an object`);
    for (const [key, entry] of Object.entries(entries)) {
      const ok =
        fn === undefined
          ? typeof entry === 'function'
          : isObject(entry) && typeof entry[fn] === 'function';
      if (!ok)
        throw new PluginDefinitionError(
          `${where}: ${kind}.${key} must be ${fn === undefined ? 'a function' : `an object with ${fn}()`}`,
        );
    }
  }
  if (exported.elementTemplates !== undefined && !Array.isArray(exported.elementTemplates))
    throw new PluginDefinitionError(`${where}: elementTemplates must be an array`);
  return exported as unknown as PluginDefinition;
}

/** Plain data only (JSON): what the runtime keeps of a template or a schema. */
function asData<T>(where: string, value: T): T {
  try {
    return JSON.parse(JSON.stringify(value)) as T;
  } catch (e) {
    throw new PluginDefinitionError(`${where} is not plain JSON data: ${(e as Error).message}`);
  }
}

const described = (entries: Record<string, { description?: unknown }> | undefined) =>
  Object.fromEntries(
    Object.entries(entries ?? {}).map(([k, v]) => [
      k,
      typeof v.description === 'string' ? { description: v.description } : {},
    ]),
  );

/** The definition as the runtime sees it: names, descriptions, schemas and templates. */
export function describeDefinition(d: PluginDefinition): PluginDescriptor {
  const where = `plugin '${d.name}'`;
  return {
    name: d.name,
    hooks: HOOKS.filter((h) => typeof d[h] === 'function'),
    taskTypes: Object.keys(d.taskHandlers ?? {}),
    factProviders: Object.fromEntries(
      Object.entries(d.factProviders ?? {}).map(([k, v]) => [
        k,
        {
          ...(typeof v.description === 'string' ? { description: v.description } : {}),
          ...(v.paramsSchema !== undefined
            ? { paramsSchema: asData(`${where}: factProviders.${k}.paramsSchema`, v.paramsSchema) }
            : {}),
        },
      ]),
    ),
    connectors: described(d.connectors),
    notifiers: described(d.notifiers),
    ruleOperators: described(d.ruleOperators),
    elementTemplates: asData(`${where}: elementTemplates`, d.elementTemplates ?? []),
  };
}
