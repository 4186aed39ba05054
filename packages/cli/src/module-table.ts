import { conflictMessage, formatTable, nameConflicts, type Discovery, type RegistryEntry } from '@pypeline/core';

/** The installed modules as an aligned table, one line per module; with `status`, a status column after the package. */
export function moduleTable(entries: RegistryEntry[], status?: (e: RegistryEntry) => string): string {
  const rows = [...entries]
    .sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name))
    .map((e) => [e.name, e.type, e.category, `${e.package}@${e.version}`, ...(status ? [status(e)] : []), e.description]);
  return formatTable(['name', 'type', 'category', 'package', ...(status ? ['status'] : []), 'description'], rows);
}

/** Broken packages and name clashes, one `!` line each with its fix, for stderr. */
export function discoveryWarnings(discovery: Discovery): string[] {
  return [
    ...discovery.problems.map((p) => `! skipped ${p.package_dir}: ${p.message}`),
    ...nameConflicts(discovery.entries).map((c) => `! ${conflictMessage(c)}`),
  ];
}
