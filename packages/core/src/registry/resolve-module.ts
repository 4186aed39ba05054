import { suggestion } from '../flow/did-you-mean.js';
import type { Discovery } from './discover.js';
import type { RegistryEntry } from './manifest.js';

export type Resolution = { entry: RegistryEntry } | { error: string; hint?: string };

/** Finds the module a flow names, optionally pinned to a package. */
export function resolveModule(discovery: Discovery, name: string, pkg?: string): Resolution {
  const byName = discovery.entries.filter((e) => e.name === name && (pkg === undefined || e.package === pkg));
  if (byName.length === 1) return { entry: byName[0] };
  if (byName.length > 1) {
    const pkgs = [...new Set(byName.map((e) => e.package))];
    if (pkgs.length === 1) {
      // The same package installed twice (e.g. hoisted and nested): take the newest.
      return { entry: [...byName].sort((a, b) => compareVersions(b.version, a.version))[0] };
    }
    return {
      error: `module "${name}" is provided by several packages: ${pkgs.join(', ')}`,
      hint: `add \`package: ${pkgs[0]}\` to this module to choose one`,
    };
  }
  if (pkg !== undefined) {
    const other = discovery.entries.find((e) => e.package === pkg);
    return other
      ? { error: `package ${pkg} provides module "${other.name}", not "${name}"` }
      : { error: `package ${pkg} is not installed (or is not a PYpeline module)`, hint: `npm install ${pkg}` };
  }
  const names = [...new Set(discovery.entries.map((e) => e.name))].sort();
  const broken = discovery.problems.length ? ` (${discovery.problems.length} broken module package(s) were skipped; see \`pype list-modules\`)` : '';
  return {
    error: `unknown module "${name}".${suggestion(name, names)}${broken}`,
    hint: names.length ? `installed modules: ${names.join(', ')}` : 'no module packages are installed; install @pypeline/mod-* packages',
  };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] || 0) !== (pb[i] || 0)) return (pa[i] || 0) - (pb[i] || 0);
  return 0;
}
