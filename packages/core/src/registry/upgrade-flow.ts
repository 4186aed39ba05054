import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDocument, type Document } from 'yaml';
import { writeFileAtomicSync, type ModuleDefinition, errorMessage } from '@pypeline/sdk';
import { PypeError } from '../errors.js';
import { readFlowFile } from '../flow/load-flow.js';
import { diffConfigs, splitConfig, type ConfigChange } from './config-changes.js';
import { discoverModules } from './discover.js';
import type { RegistryEntry } from './manifest.js';
import { migrateConfig, type MigrationStep } from './migrate-config.js';
import { readPins, type Pin } from './pinned-versions.js';
import { resolveModule } from './resolve-module.js';
import { rewriteConfigs } from './rewrite-configs.js';
import type { JsonSchema } from '@pypeline/sdk';

export interface UpgradeOptions {
  /** A job folder built from this flow: its DAG pins the versions the configs were written for. */
  jobDir?: string;
  /** Versions the flow was written for, by module id, module name or package; win over the job's pins. */
  from?: Record<string, string>;
  /** Folders whose node_modules are searched for the installed modules. Default: the flow's folder and cwd. */
  searchDirs?: string[];
  /** Only report; leave the file as it is. */
  dryRun?: boolean;
}

export interface ModuleUpgrade {
  id: string;
  name: string;
  package: string;
  from: string;
  to: string;
  steps: MigrationStep[];
  changes: ConfigChange[];
  /** Config keys whose values are secret: reports show them masked. */
  secrets: string[];
}

export interface UpgradeResult {
  file: string;
  /** The flow text after the upgrade (the input when nothing changed). */
  text: string;
  upgrades: ModuleUpgrade[];
  /** Modules left alone, and why (unpinned, not installed, an older major installed). */
  skipped: { id: string; reason: string }[];
  written: boolean;
}

interface FlowModule {
  id: string;
  name: string;
  package?: string;
  configs?: { required?: Record<string, unknown>; optional?: Record<string, unknown> };
}

/**
 * `pype upgrade`: for every module whose installed major is newer than the one the flow was
 * written for, runs the module's config migrations and rewrites the flow's configs in place,
 * keeping the rest of the YAML (comments included) as it was.
 */
export async function upgradeFlow(file: string, options: UpgradeOptions = {}): Promise<UpgradeResult> {
  const text = readFlowFile(file);
  const doc = parseDocument(text);
  if (doc.errors.length) {
    throw new PypeError(`${file} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`, { hint: `run \`pype validate ${file}\`` });
  }
  const modules = ((doc.toJS() as { modules?: FlowModule[] })?.modules ?? []).filter((m) => m && typeof m.id === 'string');
  const pins = readPins(options.jobDir, options.from ?? {}, file);
  const discovery = discoverModules(options.searchDirs ?? [dirname(resolve(file)), process.cwd()]);
  const result: UpgradeResult = { file, text, upgrades: [], skipped: [], written: false };

  for (const [index, spec] of modules.entries()) {
    const resolved = resolveModule(discovery, spec.name, spec.package);
    if ('error' in resolved) {
      result.skipped.push({ id: spec.id, reason: resolved.error });
      continue;
    }
    const pin = pins.pinFor(spec, resolved.entry.package);
    if ('reason' in pin) {
      result.skipped.push({ id: spec.id, reason: pin.reason });
      continue;
    }
    const upgrade = await upgradeModule(spec, resolved.entry, pin);
    if (upgrade && 'reason' in upgrade) result.skipped.push({ id: spec.id, reason: upgrade.reason });
    else if (upgrade) {
      result.upgrades.push(upgrade);
      rewriteConfigs(doc, index, upgrade.changes);
    }
  }
  if (result.upgrades.some((u) => u.changes.length)) {
    result.text = doc.toString(stringifyOptions(text));
    if (!options.dryRun) {
      writeFileAtomicSync(file, result.text);
      result.written = true;
    }
  }
  return result;
}

async function upgradeModule(spec: FlowModule, entry: RegistryEntry, pin: Pin): Promise<ModuleUpgrade | { reason: string } | undefined> {
  const fromMajor = majorOf(pin.version);
  const toMajor = majorOf(entry.version);
  if (toMajor === fromMajor) return undefined;
  if (toMajor < fromMajor) {
    return { reason: `${entry.package}@${entry.version} is installed but the flow was written for ${pin.version}, a newer major: install ${entry.package}@${fromMajor}` };
  }
  const def = await importDefinition(entry);
  const before = { required: { ...spec.configs?.required }, optional: { ...spec.configs?.optional } };
  let migrated;
  try {
    migrated = migrateConfig({ ...before.optional, ...before.required }, def.migrations ?? {}, fromMajor, toMajor);
  } catch (err) {
    throw new PypeError(`${spec.id}: ${entry.package}@${entry.version} failed to migrate its config from ${pin.version}: ${errorMessage(err)}`, {
      hint: `fix the config by hand, or report it to the maintainers of ${entry.package}`,
    });
  }
  const after = splitConfig(migrated.config, entry.json_schema);
  const secrets = new Set([...secretKeys(entry.json_schema), ...secretKeys(pin.json_schema)]);
  return {
    id: spec.id, name: spec.name, package: entry.package, from: pin.version, to: entry.version,
    steps: migrated.steps, changes: diffConfigs(before, after), secrets: [...secrets],
  };
}

async function importDefinition(entry: RegistryEntry): Promise<ModuleDefinition> {
  const file = join(entry.package_dir, entry.entry);
  const def = (await import(pathToFileURL(file).href)).default as ModuleDefinition | undefined;
  if (!def || typeof def.run !== 'function') {
    throw new PypeError(`${entry.package}@${entry.version} does not export a module from ${entry.entry}`, { hint: `reinstall ${entry.package}` });
  }
  return def;
}

function secretKeys(schema: JsonSchema | undefined): string[] {
  return Object.entries(schema?.properties ?? {}).filter(([, s]) => s?.secret === true).map(([k]) => k);
}

function majorOf(version: string): number {
  return Number.parseInt(version.replace(/^[^0-9]*/, ''), 10);
}

// Writes the document back in the file's own indentation and without re-folding long lines.
function stringifyOptions(text: string): Parameters<Document['toString']>[0] {
  const indent = /^( +)\S/m.exec(text)?.[1].length ?? 2;
  const indentSeq = !/^[A-Za-z_][\w-]*:\s*\n-\s/m.test(text);
  const flow = text.replace(/\{\{[^}]*\}\}/g, '');
  const padded = (flow.match(/[[{] \S/g) ?? []).length;
  const tight = (flow.match(/[[{][^\s\]}{[]/g) ?? []).length;
  return { indent, indentSeq, lineWidth: 0, flowCollectionPadding: padded >= tight };
}
