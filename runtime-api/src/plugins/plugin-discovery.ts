import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Somewhere a plugin should be: a folder to read, or the reason it could not be found. */
export type PluginCandidate =
  | { requested: string; source: 'package' | 'folder'; root: string }
  | { requested: string; source: 'package'; missing: string };

/** npm package names (optionally scoped); anything else (a path, `..`) is refused. */
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Where node would look for `name` from the runtime's own code, then the plugins dir's. */
function nodeModulesDirs(name: string, pluginsDir: string): string[] {
  const require = createRequire(import.meta.url);
  return [...(require.resolve.paths(name) ?? []), join(pluginsDir, 'node_modules')];
}

/**
 * Finds a configured package by node resolution without running it: the first
 * `<node_modules>/<name>/package.json` on the runtime's resolution path, then in
 * `<pluginsDir>/node_modules` (so `npm install --prefix <pluginsDir> <package>` installs a plugin
 * without touching SafeFlow's own install).
 */
function findPackage(name: string, pluginsDir: string): PluginCandidate {
  if (!PACKAGE_NAME.test(name))
    return { requested: name, source: 'package', missing: `'${name}' is not an npm package name` };
  for (const dir of nodeModulesDirs(name, pluginsDir)) {
    const root = join(dir, name);
    if (existsSync(join(root, 'package.json'))) return { requested: name, source: 'package', root };
  }
  return {
    requested: name,
    source: 'package',
    missing:
      `package '${name}' is not installed: install it next to SafeFlow or with ` +
      `'npm install --prefix ${pluginsDir} ${name}'`,
  };
}

/** Sub-folders of the plugins dir that hold a package.json (hidden ones and node_modules skipped). */
function pluginFolders(pluginsDir: string): string[] {
  if (!existsSync(pluginsDir)) return [];
  return readdirSync(pluginsDir)
    .filter((entry) => !entry.startsWith('.') && entry !== 'node_modules')
    .map((entry) => join(pluginsDir, entry))
    .filter((dir) => {
      try {
        return statSync(dir).isDirectory() && existsSync(join(dir, 'package.json'));
      } catch {
        return false;
      }
    })
    .sort();
}

/**
 * The plugins to load, in a fixed order (configured packages as listed, then folders by name), so
 * which of two plugins claiming the same task type wins does not depend on the file system.
 */
export function discoverPlugins(
  packages: readonly string[],
  pluginsDir: string,
): PluginCandidate[] {
  return [
    ...packages.map((name) => findPackage(name, pluginsDir)),
    ...pluginFolders(pluginsDir).map((root): PluginCandidate => ({
      requested: root,
      source: 'folder',
      root,
    })),
  ];
}
