/**
 * Builds the table of hosted plugins at startup: discovers and reads every plugin package (before
 * any plugin code runs), loads them all at once (each into its own worker), then claims their
 * contributions in discovery order — so which of two plugins claiming a name wins never depends
 * on which worker was quicker. A plugin that cannot be loaded is listed as `failed` with the
 * reason; the runtime starts anyway.
 */
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { messageOf } from './bounded-call.js';
import type { HostedPlugins } from './hosted-plugins.js';
import { discoverPlugins } from './plugin-discovery.js';
import {
  PluginLoadError,
  readPluginPackage,
  type PluginPackage,
  type PluginSource,
} from './plugin-package.js';
import type { PluginRegistryWiring } from './plugin-registry-wiring.js';
import type { PluginWorkerSpawner } from './plugin-worker-spawner.js';

interface FoundPackage {
  pkg: PluginPackage;
  source: PluginSource;
}

export class PluginCatalogLoader {
  constructor(
    private readonly logger: Logger,
    private readonly plugins: HostedPlugins,
    private readonly spawner: PluginWorkerSpawner,
    private readonly wiring: PluginRegistryWiring,
  ) {}

  /** `packages` as configured (SAFEFLOW_PLUGINS), then the folders of `pluginsDir`. */
  async loadAll(packages: readonly string[], pluginsDir: string): Promise<void> {
    const found = this.readPackages(packages, pluginsDir);
    const results = await Promise.all(
      found.map(({ pkg }) => this.spawner.spawn(pkg).catch((e: unknown) => ({ error: e }))),
    );
    for (const [i, { pkg, source }] of found.entries()) {
      const r = results[i]!;
      if ('error' in r) {
        this.failed(pkg.name, source, pkg, messageOf(r.error));
        continue;
      }
      const { loaded, worker } = r;
      try {
        this.wiring.claim(loaded);
      } catch (e) {
        await worker.terminate('refused at load');
        this.failed(pkg.name, source, pkg, messageOf(e));
        continue;
      }
      this.plugins.add(
        { name: pkg.name, source, pkg, loaded, lifecycle: 'stopped', lastError: null },
        worker,
      );
    }
  }

  /** Reads each discovered package's manifest; the first copy of a name wins. */
  private readPackages(packages: readonly string[], pluginsDir: string): FoundPackage[] {
    const found: FoundPackage[] = [];
    const names = new Set<string>();
    for (const candidate of discoverPlugins(packages, pluginsDir)) {
      const fallbackName =
        candidate.source === 'package' ? candidate.requested : basename(candidate.requested);
      if ('missing' in candidate) {
        this.failed(fallbackName, 'package', undefined, candidate.missing);
        continue;
      }
      try {
        const pkg = readPluginPackage(candidate.root, candidate.source);
        if (!pkg) {
          if (candidate.source === 'package')
            this.failed(
              fallbackName,
              'package',
              undefined,
              `package '${candidate.requested}' has no "safeflow" manifest in its package.json: it is not a SafeFlow plugin`,
            );
          continue;
        }
        if (names.has(pkg.name) || this.plugins.has(pkg.name)) {
          // Listed once (the first found); the other copy is only logged.
          this.logger.error(
            { plugin: pkg.name, root: pkg.root },
            `plugin '${pkg.name}' is found twice; the copy in ${pkg.root} is ignored`,
          );
          continue;
        }
        names.add(pkg.name);
        found.push({ pkg, source: candidate.source });
      } catch (e) {
        const named = e instanceof PluginLoadError ? e.plugin : undefined;
        this.failed(named ?? fallbackName, candidate.source, undefined, messageOf(e));
      }
    }
    return found;
  }

  private failed(name: string, source: PluginSource, pkg: PluginPackage | undefined, why: string) {
    this.logger.error({ plugin: name }, why);
    // A second failure under the same name (two broken copies) is logged, not listed twice.
    if (this.plugins.has(name)) return;
    this.plugins.add({ name, source, pkg, loaded: undefined, lifecycle: 'failed', lastError: why });
  }
}
