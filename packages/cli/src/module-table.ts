import { conflictMessage, nameConflicts, type Discovery, type RegistryEntry } from '@pypeline/core';

/** The installed modules as an aligned table, one line per module. */
export function moduleTable(entries: RegistryEntry[]): string {
  const rows = [...entries]
    .sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name))
    .map((e) => [e.name, e.type, e.category, `${e.package}@${e.version}`, e.description]);
  const header = ['name', 'type', 'category', 'package', 'description'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Broken packages and name clashes, one `!` line each with its fix, for stderr. */
export function discoveryWarnings(discovery: Discovery): string[] {
  return [
    ...discovery.problems.map((p) => `! skipped ${p.package_dir}: ${p.message}`),
    ...nameConflicts(discovery.entries).map((c) => `! ${conflictMessage(c)}`),
  ];
}
