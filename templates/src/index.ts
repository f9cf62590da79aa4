/**
 * SafeFlow's industry task-flow templates. Each template is a folder beside `src/` holding
 * `template.json` (the manifest), `process.bpmn`, its form schemas and a scenario test. The runtime
 * reads them with `listTemplates()` to deploy them at start.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One form (or job result) schema of a template, relative to the template's folder. */
export interface TemplateForm {
  file: string;
  /** the BPMN element whose form or job result it describes */
  usedBy: string;
  kind?: 'job-result';
}

/** A number or rule the template uses, with the clause it comes from. */
export interface TemplateRule {
  id: string;
  rule: string;
  clause: string;
  element?: string;
  value?: number | string;
  values?: Array<number | string>;
  unit?: string;
}

/** What a site may (or must) set; `verify: true` marks facts from secondary sources. */
export interface TemplateSetting {
  name: string;
  default: unknown;
  note: string;
  unit?: string;
  verify?: boolean;
}

/** `template.json`. */
export interface TemplateManifest {
  id: string;
  name: string;
  name_zh: string;
  description: string;
  category: string;
  version: string;
  standard?: string;
  processId: string;
  bpmn: string;
  forms: TemplateForm[];
  roles?: Record<string, string>;
  rules: TemplateRule[];
  configurable?: TemplateSetting[];
  [extra: string]: unknown;
}

export interface TemplateInfo {
  id: string;
  name: string;
  /** absolute path of the template's folder */
  dir: string;
  bpmnPath: string;
  formPaths: string[];
  manifest: TemplateManifest;
}

/** Thrown when a template folder is inconsistent; names the folder and what is wrong. */
export class TemplateError extends Error {
  constructor(
    readonly templateDir: string,
    message: string,
  ) {
    super(`template ${templateDir}: ${message}`);
    this.name = 'TemplateError';
  }
}

/** The folder holding the templates (the package root). */
export const TEMPLATES_DIR = fileURLToPath(new URL('..', import.meta.url));

const MANIFEST = 'template.json';

/**
 * Every template under `root` (default: this package), sorted by id: each folder with a
 * `template.json`. Throws `TemplateError` when a manifest is malformed, its id is not its folder's
 * name, or a file it names is missing.
 */
export function listTemplates(root: string = TEMPLATES_DIR): TemplateInfo[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, MANIFEST)))
    .map((entry) => loadTemplate(join(root, entry.name), entry.name))
    .sort((a, b) => a.id.localeCompare(b.id));
}

function loadTemplate(dir: string, folder: string): TemplateInfo {
  let manifest: TemplateManifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as TemplateManifest;
  } catch (e) {
    throw new TemplateError(folder, `${MANIFEST} is not valid JSON: ${(e as Error).message}`);
  }
  for (const key of ['id', 'name', 'name_zh', 'processId', 'bpmn', 'version'] as const) {
    if (typeof manifest[key] !== 'string' || manifest[key] === '') {
      throw new TemplateError(folder, `${MANIFEST} needs a non-empty string "${key}"`);
    }
  }
  if (manifest.id !== folder) {
    throw new TemplateError(folder, `id "${manifest.id}" differs from the folder name`);
  }
  if (!Array.isArray(manifest.forms) || !Array.isArray(manifest.rules)) {
    throw new TemplateError(folder, `${MANIFEST} needs "forms" and "rules" arrays`);
  }
  const bpmnPath = join(dir, manifest.bpmn);
  const formPaths = manifest.forms.map((form) => join(dir, form.file));
  for (const path of [bpmnPath, ...formPaths]) {
    if (!existsSync(path)) throw new TemplateError(folder, `missing file ${path}`);
  }
  return { id: manifest.id, name: manifest.name, dir, bpmnPath, formPaths, manifest };
}
