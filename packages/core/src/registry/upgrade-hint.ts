import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { Diagnostic } from '../flow/diagnostics.js';
import { readFlowFile } from '../flow/load-flow.js';
import { discoverModules } from './discover.js';
import { resolveModule } from './resolve-module.js';
import { upgradeFlow } from './upgrade-flow.js';

/** Re-validates a flow text; the caller's checkFlow, so this file does not import the builder. */
export type Recheck = (text: string) => Promise<Diagnostic[]>;

/**
 * When a flow fails validation on module configs that the installed majors' migrations would
 * fix, the `pype upgrade` command that fixes them; undefined otherwise. With a built job, its
 * pins say which versions the flow was written for; without one, each older major of an
 * erring module is tried, newest first, and kept only when its migrated config validates.
 */
export async function upgradeHint(file: string, diagnostics: readonly Diagnostic[], recheck: Recheck, options: { jobDir?: string } = {}): Promise<string | undefined> {
  const erring = erringModules(diagnostics);
  if (!erring.size) return undefined;
  const modules = flowModules(file);
  const fixed = async (text: string, index: number) => !erringModules(await recheck(text)).has(index);

  const jobDir = options.jobDir;
  if (jobDir && existsSync(jobDir)) {
    const r = await upgradeFlow(file, { jobDir, dryRun: true }).catch(() => undefined);
    const covered = r?.upgrades.filter((u) => erring.has(modules.findIndex((m) => m.id === u.id)));
    if (r && covered?.length && (await Promise.all([...erring].map((i) => fixed(r.text, i)))).some(Boolean)) {
      return `${describe(covered)}: run \`pype upgrade ${file}\``;
    }
    return undefined;
  }

  const discovery = discoverModules([dirname(resolve(file)), process.cwd()]);
  const from: Record<string, string> = {};
  const upgrades: { id: string; package: string; from: string; to: string }[] = [];
  for (const index of erring) {
    const spec = modules[index];
    if (!spec) continue;
    const resolved = resolveModule(discovery, spec.name, spec.package);
    if ('error' in resolved) continue;
    for (let major = majorOf(resolved.entry.version) - 1; major >= 0; major--) {
      const r = await upgradeFlow(file, { from: { [spec.id]: `${major}.0.0` }, dryRun: true, searchDirs: [dirname(resolve(file)), process.cwd()] }).catch(() => undefined);
      const u = r?.upgrades.find((x) => x.id === spec.id);
      if (!r || !u?.steps.some((s) => s.migrated) || !(await fixed(r.text, index))) continue;
      from[spec.id] = `${major}`;
      upgrades.push(u);
      break;
    }
  }
  if (!upgrades.length) return undefined;
  return `${describe(upgrades)}: run \`pype upgrade ${file} ${Object.entries(from).map(([id, v]) => `--from ${id}=${v}`).join(' ')}\``;
}

function describe(upgrades: readonly { id: string; package: string; from: string; to: string }[]): string {
  const list = upgrades.map((u) => `${u.id} (${u.package} ${u.from} → ${u.to})`).join(', ');
  return `${upgrades.length === 1 ? 'this config was' : 'these configs were'} written for an older major, and the installed version's migrations fix ${upgrades.length === 1 ? 'it' : 'them'}: ${list}`;
}

/** The indexes of the modules whose configs have errors. */
function erringModules(diagnostics: readonly Diagnostic[]): Set<number> {
  const found = new Set<number>();
  for (const d of diagnostics) {
    const m = /^modules\[(\d+)\]\.configs/.exec(d.path);
    if (m && d.severity === 'error') found.add(Number(m[1]));
  }
  return found;
}

function flowModules(file: string): { id: string; name: string; package?: string }[] {
  const doc = parseDocument(readFlowFile(file));
  const modules = (doc.toJS() as { modules?: unknown[] } | null)?.modules;
  return Array.isArray(modules) ? (modules as { id: string; name: string; package?: string }[]) : [];
}

function majorOf(version: string): number {
  return Number.parseInt(version.replace(/^[^0-9]*/, ''), 10);
}

/** The default job folder of a flow: `<out>/<flow name>` when it holds a built DAG. */
export function builtJobDir(out: string, flowName: string | undefined): string | undefined {
  if (!flowName) return undefined;
  const dir = join(out, flowName);
  return existsSync(join(dir, `${flowName}_dag.json`)) ? dir : undefined;
}
