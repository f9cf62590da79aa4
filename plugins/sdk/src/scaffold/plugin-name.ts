import { builtinModules } from 'node:module';

/** A plugin name the scaffold refuses, with what is wrong with it. */
export class ScaffoldError extends Error {
  override readonly name = 'ScaffoldError';
}

const SPECIAL = /[~'!()*]/;

/**
 * Why `name` is not a valid name for a new npm package (the rules npm applies to new packages:
 * at most 214 characters, lower case, URL-safe, no leading `.` or `_`, not a Node built-in
 * module), or undefined when it is one. A scope is allowed: `@acme/safeflow-plugin-gas`.
 */
export function pluginNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.trim() !== name) return 'the name has leading or trailing spaces';
  if (name.length > 214) return 'the name is longer than 214 characters';
  if (name.toLowerCase() !== name) return 'the name must be lower case';
  let bare = name;
  if (name.startsWith('@')) {
    const m = /^@([^/]+)\/([^/]+)$/.exec(name);
    if (!m) return 'a scoped name must look like @scope/name';
    const scope = m[1]!;
    bare = m[2]!;
    if (scope.startsWith('.') || scope.startsWith('_'))
      return 'the scope must not start with . or _';
    if (encodeURIComponent(scope) !== scope || SPECIAL.test(scope)) {
      return `the scope '${scope}' has characters that are not URL-safe`;
    }
  }
  if (bare.startsWith('.') || bare.startsWith('_')) return 'the name must not start with . or _';
  if (encodeURIComponent(bare) !== bare || SPECIAL.test(bare)) {
    return `'${bare}' has characters that are not URL-safe (use a-z, 0-9, - . _)`;
  }
  if (bare === 'node_modules' || bare === 'favicon.ico') return `'${bare}' is a reserved name`;
  if (name === bare && builtinModules.includes(bare))
    return `'${bare}' is a Node.js built-in module`;
  return undefined;
}

/**
 * The short name a plugin's task types are prefixed with: the package name without its scope and
 * without `safeflow-plugin-` / `plugin-` / `-safeflow-plugin` (`@acme/safeflow-plugin-gas-lab` →
 * `gas-lab`).
 */
export function pluginShortName(name: string): string {
  const bare = name.replace(/^@[^/]+\//, '');
  const short = bare
    .replace(/^safeflow-plugin-/, '')
    .replace(/^plugin-/, '')
    .replace(/-safeflow-plugin$/, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return short || bare;
}
