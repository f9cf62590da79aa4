import { readFileSync } from 'node:fs';
import { compileDefinitions } from '../../src/compile/index.js';
import type { ProcessModel } from '../../src/model/index.js';
import { parseBpmn } from '../../src/parse/index.js';

/** Reads `engine/test/fixtures/<path>` as text. */
export function fixtureText(path: string): string {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
}

/** 1-based line of `id="<id>"` in a fixture, found line by line (independent of the locator). */
export function lineOf(text: string, id: string): number {
  return text.split('\n').findIndex((line) => line.includes(`id="${id}"`)) + 1;
}

/** Parses and compiles a fixture; fails loudly when parsing reports errors. */
export async function compileFixture(path: string) {
  const text = fixtureText(path);
  const parsed = await parseBpmn(text);
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || parsed.definitions === undefined)
    throw new Error(`fixture ${path}: ${JSON.stringify(errors)}`);
  const result = compileDefinitions(parsed.definitions, parsed.sourceText);
  const process = (id: string): ProcessModel => {
    const found = result.compiled.processes.find((p) => p.id === id);
    if (!found) throw new Error(`no process ${id}`);
    return found;
  };
  const node = (processId: string, nodeId: string) => {
    const found = process(processId).nodes.get(nodeId);
    if (!found) throw new Error(`no node ${nodeId}`);
    return found;
  };
  return { ...result, process, node };
}
