/**
 * The template folders are consistent: manifests, BPMN and forms agree, every rule cites its clause,
 * and every template deploys in a real Engine.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '@safeflow/engine';
import { listTemplates, TemplateError } from '../src/index.js';

const templates = listTemplates();

describe('listTemplates', () => {
  it('finds the templates, sorted by id', () => {
    expect(templates.map((t) => t.id)).toEqual(['hot-work-permit', 'routine-inspection']);
    for (const t of templates) {
      expect(basename(t.dir)).toBe(t.id);
      expect(t.bpmnPath).toBe(join(t.dir, 'process.bpmn'));
      expect(t.formPaths.length).toBe(t.manifest.forms.length);
    }
  });

  it('refuses a manifest whose id is not its folder name', () => {
    const root = mkdtempSync(join(tmpdir(), 'sf-templates-'));
    mkdirSync(join(root, 'x'));
    writeFileSync(
      join(root, 'x', 'template.json'),
      JSON.stringify({
        id: 'y',
        name: 'Y',
        name_zh: 'Y',
        processId: 'p',
        bpmn: 'p.bpmn',
        version: '1',
      }),
    );
    try {
      expect(() => listTemplates(root)).toThrow(TemplateError);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe.each(templates)('template $id', (t) => {
  const xml = readFileSync(t.bpmnPath, 'utf8');

  it('deploys in the engine as its manifest says', async () => {
    const engine = new Engine({ clock: () => Date.UTC(2026, 10, 23) });
    const deployed = await engine.deploy([{ name: basename(t.bpmnPath), content: xml }]);
    expect(deployed.processes.map((p) => p.id)).toEqual([t.manifest.processId]);
    expect(deployed.warnings).toEqual([]);
  });

  it('names every form key of the BPMN in its manifest, and the other way round', () => {
    const formKeys = [...xml.matchAll(/formKey="([^"]+)"/g)].map((m) => m[1]);
    const userForms = t.manifest.forms.filter((f) => f.kind !== 'job-result');
    expect(formKeys.sort()).toEqual(userForms.map((f) => basename(f.file)).sort());
    for (const form of t.manifest.forms) expect(xml).toContain(`id="${form.usedBy}"`);
  });

  it('has draft 2020-12 form schemas titled in English and Chinese', () => {
    for (const path of t.formPaths) {
      const schema = JSON.parse(readFileSync(path, 'utf8'));
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.title).toMatch(/\S/);
      expect(schema['x-title-zh']).toMatch(/\S/);
      for (const [name, prop] of Object.entries<any>(schema.properties)) {
        expect(prop.title, `${path} ${name}`).toMatch(/\S/);
        expect(prop['x-title-zh'], `${path} ${name}`).toMatch(/\S/);
      }
      for (const name of schema.required) expect(schema.properties).toHaveProperty(name);
    }
  });

  it('cites a clause for every rule and names the elements it uses', () => {
    expect(t.manifest.rules.length).toBeGreaterThan(0);
    for (const rule of t.manifest.rules) {
      expect(rule.clause, rule.id).toMatch(/\S/);
      if (rule.element) expect(xml, rule.id).toContain(`id="${rule.element}"`);
    }
  });

  it('is listed in templates/README.md and has its own README', () => {
    const readme = readFileSync(join(t.dir, '..', 'README.md'), 'utf8');
    expect(readme).toContain(`${t.id}/`);
    expect(readFileSync(join(t.dir, 'README.md'), 'utf8')).toContain(t.manifest.name_zh);
  });
});
