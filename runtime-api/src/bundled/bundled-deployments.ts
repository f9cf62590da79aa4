import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { RuntimeApp } from '../app.js';
import { DeploymentEntity } from '../persistence/entities.js';

/** A deployment shipped with SafeFlow (the demo permit, the industry templates). */
export interface BundledDeployment {
  name: string;
  resources: Array<{ name: string; content: string }>;
}

interface TemplateInfoLike {
  id: string;
  bpmnPath: string;
  formPaths: string[];
}

const DEMO = new URL('../../../examples/engine-demo/hot-work-permit.bpmn', import.meta.url);

/**
 * The demo permit and every template of `@safeflow/templates` (BPMN + form schemas). The templates
 * package ships TypeScript sources, so it is loaded at run time (under tsx, as `npm start` runs);
 * where it cannot be loaded the demo alone is returned and the reason logged by the caller.
 */
export async function bundledDeployments(): Promise<{
  bundles: BundledDeployment[];
  skipped?: string;
}> {
  const bundles: BundledDeployment[] = [
    {
      name: 'demo',
      resources: [{ name: 'hot-work-permit.bpmn', content: readFileSync(DEMO, 'utf8') }],
    },
  ];
  try {
    const specifier = '@safeflow/templates';
    const mod = (await import(specifier)) as { listTemplates(): TemplateInfoLike[] };
    for (const t of mod.listTemplates()) {
      bundles.push({
        name: `template:${t.id}`,
        resources: [t.bpmnPath, ...t.formPaths].map((path) => ({
          name: basename(path),
          content: readFileSync(path, 'utf8'),
        })),
      });
    }
    return { bundles };
  } catch (e) {
    return { bundles, skipped: `templates not loaded: ${(e as Error).message}` };
  }
}

/**
 * Deploys bundled deployments whose exact content is not deployed yet: a restart adds nothing, a
 * changed template becomes a new version.
 */
export async function deployBundled(
  runtime: RuntimeApp,
  bundles: BundledDeployment[],
): Promise<string[]> {
  const deployed: string[] = [];
  const repo = runtime.dataSource.getRepository(DeploymentEntity);
  for (const b of bundles) {
    const known = await repo.findOneBy({ name: b.name, resources: JSON.stringify(b.resources) });
    if (known) continue;
    const { result } = await runtime.engineHost.deploy(
      { name: b.name, resources: b.resources },
      'system',
    );
    deployed.push(...result.processes.map((p) => p.key));
  }
  return deployed;
}
