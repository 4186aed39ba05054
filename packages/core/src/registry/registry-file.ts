import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { writeFileAtomicSync, errorMessage } from '@pypeline/sdk';
import { PypeError } from '../errors.js';
import type { ModuleManifest, RegistryEntry } from './manifest.js';

/** Where `pype auto-register` writes by default, as in the spec's layout. */
export const REGISTRY_FILE = 'ModRegistry.json';

/** One module in ModRegistry.json: the spec's fields, then where the module comes from. */
export interface RegistryFileEntry {
  module_path: string;
  type: ModuleManifest['type'];
  version: string;
  description: string;
  category: string;
  input_ports: string[];
  /** Input ports that take any number of connections; absent when none. */
  many_input_ports?: string[];
  output_ports: string[];
  globals: string[];
  packages: string[];
  config_schema: ModuleManifest['config_schema'];
  package: string;
  entry: string;
  sdk_api: number;
  /** The installed package folder, relative to the registry file. */
  package_dir: string;
  /** Set when registration imported the package and it failed: the error, with its cause. */
  import_error?: string;
}

/** ModRegistry.json: module name → entry; a name two packages claim is keyed `<package>:<name>`. */
export type RegistryFile = Record<string, RegistryFileEntry>;

export interface NameConflict {
  name: string;
  packages: string[];
}

/** Builds the registry from discovered entries, keying conflicting names by package. */
export function toRegistryFile(entries: RegistryEntry[], registryPath: string, importErrors?: ReadonlyMap<string, { message: string }>): { registry: RegistryFile; conflicts: NameConflict[] } {
  const registry: RegistryFile = {};
  const conflicts = nameConflicts(entries);
  const conflicted = new Set(conflicts.map((c) => c.name));
  for (const e of [...entries].sort((a, b) => a.name.localeCompare(b.name) || a.package.localeCompare(b.package))) {
    const broken = importErrors?.get(`${e.package}@${e.version}`);
    registry[conflicted.has(e.name) ? qualifiedKey(e) : e.name] = { ...toFileEntry(e, registryPath), ...(broken ? { import_error: broken.message } : {}) };
  }
  return { registry, conflicts };
}

/**
 * Adds one module to a registry (`pype register-module`). Replaces the entry of the same
 * package; when another package already holds the name, both move to package-qualified keys.
 */
export function addToRegistry(registry: RegistryFile, entry: RegistryEntry, registryPath: string): { registry: RegistryFile; conflict?: NameConflict } {
  const next: RegistryFile = {};
  const others = new Set<string>();
  for (const [key, value] of Object.entries(registry)) {
    if (value.package === entry.package && keyName(key) === entry.name) continue;
    if (keyName(key) === entry.name) {
      others.add(value.package);
      next[`${value.package}:${entry.name}`] = value;
    } else next[key] = value;
  }
  next[others.size ? qualifiedKey(entry) : entry.name] = toFileEntry(entry, registryPath);
  const conflict = others.size ? { name: entry.name, packages: [...others, entry.package].sort() } : undefined;
  return { registry: sortKeys(next), conflict };
}

/** Module names provided by more than one package. */
export function nameConflicts(entries: RegistryEntry[]): NameConflict[] {
  const byName = new Map<string, Set<string>>();
  for (const e of entries) byName.set(e.name, (byName.get(e.name) ?? new Set()).add(e.package));
  return [...byName].filter(([, pkgs]) => pkgs.size > 1).map(([name, pkgs]) => ({ name, packages: [...pkgs].sort() }));
}

/** The fix for a conflict, as every command prints it. */
export function conflictMessage(c: NameConflict): string {
  return `module "${c.name}" is provided by ${c.packages.length} packages (${c.packages.join(', ')}): ` +
    `both are registered under "<package>:${c.name}"; in a flow, choose one with \`package: ${c.packages[0]}\` next to \`name: ${c.name}\``;
}

/** Reads ModRegistry.json; an absent file is an empty registry. */
export function readRegistryFile(path: string): RegistryFile {
  if (!existsSync(path)) return {};
  try {
    const value = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as RegistryFile;
  } catch (err) {
    throw new PypeError(`${path} is not a valid module registry: ${errorMessage(err)}`, {
      hint: 'rebuild it with `pype clear-registry && pype auto-register`',
    });
  }
}

export function writeRegistryFile(path: string, registry: RegistryFile): void {
  writeFileAtomicSync(path, `${JSON.stringify(registry, null, 2)}\n`);
}

function toFileEntry(e: RegistryEntry, registryPath: string): RegistryFileEntry {
  const rel = relative(dirname(registryPath), e.package_dir).split(sep).join('/');
  return {
    module_path: e.module_path,
    type: e.type,
    version: e.version,
    description: e.description,
    category: e.category,
    input_ports: e.input_ports,
    ...(e.many_input_ports?.length ? { many_input_ports: e.many_input_ports } : {}),
    output_ports: e.output_ports,
    globals: e.globals,
    packages: e.packages,
    config_schema: e.config_schema,
    package: e.package,
    entry: e.entry,
    sdk_api: e.sdk_api,
    package_dir: rel.startsWith('.') ? rel : `./${rel}`,
  };
}

function qualifiedKey(e: { package: string; name: string }): string {
  return `${e.package}:${e.name}`;
}

function keyName(key: string): string {
  return key.slice(key.lastIndexOf(':') + 1);
}

function sortKeys(registry: RegistryFile): RegistryFile {
  return Object.fromEntries(Object.entries(registry).sort(([a], [b]) => keyName(a).localeCompare(keyName(b)) || a.localeCompare(b)));
}
