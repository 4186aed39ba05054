import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { buildFlow, builtJobDir, loadFlowFile, PypeError, upgradeFlow, type ConfigChange, type ModuleUpgrade } from '@pypeline/core';

interface UpgradeCliOptions {
  job?: string;
  from: string[];
  out: string;
  dryRun?: boolean;
  build: boolean;
}

export function registerUpgrade(program: Command): void {
  program
    .command('upgrade')
    .description("apply installed modules' config migrations to a flow built against older majors, rewrite it and rebuild its job")
    .argument('<flow>', 'flow YAML file')
    .option('-j, --job <dir>', 'job folder built from this flow; its DAG pins the versions the flow was written for (default: <out>/<flow name>)')
    .option('--from <module=version>', 'the version a module was written for, by module id, name or package (repeatable; instead of a job)', collect, [])
    .option('-o, --out <dir>', 'folder the job folder lives in', 'jobs')
    .option('--dry-run', 'report what would change; write nothing')
    .option('--no-build', 'do not rebuild the job after rewriting the flow')
    .action(async (file: string, opts: UpgradeCliOptions) => {
      const from = parseFrom(opts.from);
      const jobDir = opts.job ?? defaultJob(file, opts.out, Object.keys(from).length > 0);
      const result = await upgradeFlow(file, { jobDir, from, dryRun: opts.dryRun });
      const out = (line: string) => process.stdout.write(`${line}\n`);
      for (const u of result.upgrades) for (const line of describe(u)) out(line);
      for (const s of result.skipped) process.stderr.write(`! skipped ${s.id}: ${s.reason}\n`);
      if (!result.upgrades.length) {
        out(`✓ ${file} is up to date with the installed modules`);
        return;
      }
      const changed = result.upgrades.some((u) => u.changes.length);
      if (opts.dryRun) {
        out(`(dry run: ${file} was not changed)`);
        return;
      }
      out(changed ? `✓ rewrote ${file}` : `✓ ${file} needs no config changes`);
      if (jobDir && opts.build) {
        const built = buildFlow(file, { outDir: dirname(jobDir) });
        const pins = result.upgrades.map((u) => `${u.package}@${built.plan.dag.nodes[u.id]?.version ?? u.to}`);
        out(`✓ rebuilt ${built.jobDir}: it now pins ${[...new Set(pins)].join(', ')}`);
      } else {
        out(`  rebuild the job: pype build ${file}`);
      }
    });
}

function describe(u: ModuleUpgrade): string[] {
  const steps = u.steps.map((s) => (s.migrated ? `migrated to ${s.major}` : `${s.major}: no config change`)).join(', ');
  const show = (key: string, value: unknown) => (u.secrets.includes(key) ? '***' : JSON.stringify(value));
  const line = (c: ConfigChange): string => {
    switch (c.kind) {
      case 'added': return `    + ${c.to}.${c.key}: ${show(c.key, c.after)}`;
      case 'removed': return `    - ${c.from}.${c.key}: ${show(c.key, c.before)}`;
      case 'changed': return `    ~ ${c.from}.${c.key}: ${show(c.key, c.before)} → ${show(c.key, c.after)}`;
      case 'renamed': return `    ~ ${c.from}.${c.oldKey} → ${c.to}.${c.key}`;
      default: return `    ~ ${c.from}.${c.key} → ${c.to}.${c.key}${c.before === c.after ? '' : `: ${show(c.key, c.after)}`}`;
    }
  };
  return [`↑ ${u.id} (${u.name}): ${u.package} ${u.from} → ${u.to} (${steps})`, ...u.changes.map(line)];
}

function defaultJob(file: string, out: string, haveFrom: boolean): string | undefined {
  const name = loadFlowFile(file).flow?.flow.name;
  const built = builtJobDir(out, name);
  if (built || haveFrom) return built;
  throw new PypeError(`cannot tell which module versions ${file} was written for: no built job at ${name ? join(out, name) : `${out}/<flow name>`}`, {
    hint: 'pass --job <job folder> (built from this flow by `pype build`), or --from <module>=<version> for each module',
  });
}

function parseFrom(values: string[]): Record<string, string> {
  const from: Record<string, string> = {};
  for (const v of values) {
    const eq = v.lastIndexOf('=');
    if (eq <= 0) throw new PypeError(`--from ${v}: expected <module>=<version>`, { hint: 'e.g. --from csv_source=1.4.0' });
    from[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return from;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
