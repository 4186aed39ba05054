import type { Flow } from '../flow/types.js';
import type { Discovery } from '../registry/discover.js';
import type { RegistryEntry } from '../registry/manifest.js';
import { resolveModule } from '../registry/resolve-module.js';
import { checkConfig } from './check-config.js';
import type { Collector } from './collector.js';

export interface ResolvedModule {
  index: number;
  entry: RegistryEntry;
  config: Record<string, unknown>;
}

/** Duplicate ids, module resolution and config checks; returns the modules that resolved. */
export function checkModules(flow: Flow, discovery: Discovery, out: Collector): Map<string, ResolvedModule> {
  const resolved = new Map<string, ResolvedModule>();
  const firstIndex = new Map<string, number>();
  flow.modules.forEach((spec, index) => {
    const at = ['modules', index];
    const prior = firstIndex.get(spec.id);
    if (prior !== undefined) {
      out.error([...at, 'id'], `duplicate module id "${spec.id}" (first used by modules[${prior}])`, 'give each module a unique id');
      return;
    }
    firstIndex.set(spec.id, index);
    const r = resolveModule(discovery, spec.name, spec.package);
    if ('error' in r) {
      out.error([...at, spec.package ? 'package' : 'name'], `${spec.id}: ${r.error}`, r.hint);
      return;
    }
    const { config, problems } = checkConfig(spec, r.entry);
    for (const p of problems) {
      out.add(p.severity, [...at, ...p.path], `${spec.id} (${spec.name}): ${p.message}`, p.hint, { atKey: p.atKey });
    }
    resolved.set(spec.id, { index, entry: r.entry, config });
  });
  return resolved;
}
