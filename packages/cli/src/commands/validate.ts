import type { Command } from 'commander';
import { builtJobDir, checkFlow, formatDiagnostic, knownJobs, loadFlowFile, sortDiagnostics, upgradeHint } from '@pypeline/core';
import { describeTriggers } from '../describe-triggers.js';
import { codeFlowText, importCodeFlow, isCodeFlow, isStreamApp, isStreamFlowText, locatedFor } from '../flow-source.js';
import { readFlowFile } from '@pypeline/core';


export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a flow file (structure, and expressions and column names against the schema on each connection) and report every problem with its line')
    .argument('<flow>', 'flow file (YAML, or TypeScript exporting a flow())')
    .option('--json', 'print the problems as JSON')
    .option('-o, --out <dir>', 'folder of the built jobs, whose pins tell which module versions the flow was written for', 'jobs')
    .action(async (file: string, opts: ValidateCliOptions) => {
      process.exitCode = await validateFlowFile(file, opts);
    });
}

export interface ValidateCliOptions {
  json?: boolean;
  /** Folder of built jobs, for the upgrade hint. */
  out: string;
}

/**
 * `pype validate <flow>`: prints every problem (or the ✓ line) and returns the exit code, 0
 * when the flow is valid. `pype dev` reports each save through it.
 */
export async function validateFlowFile(file: string, opts: ValidateCliOptions): Promise<number> {
  let text: string;
  if (isCodeFlow(file)) {
    const exported = await importCodeFlow(file);
    if (isStreamApp(exported)) {
      // Building the app checked it; connectors are checked when they open.
      const nodes = (exported as { nodes: unknown[] }).nodes.length;
      if (opts.json) process.stdout.write(`${JSON.stringify({ file, ok: true, diagnostics: [] }, null, 2)}\n`);
      else process.stdout.write(`✓ ${file} is a valid stream app: ${nodes} nodes\n`);
      return 0;
    }
    text = codeFlowText(file, exported);
  } else text = readFlowFile(file);
  if (isStreamFlowText(file, text)) {
    const { validateStreamFlow } = await import('@pypeline/stream-connectors');
    const r = validateStreamFlow(file, text);
    const diags = sortDiagnostics(r.diagnostics);
    if (opts.json) process.stdout.write(`${JSON.stringify({ file, ok: r.ok, diagnostics: diags }, null, 2)}\n`);
    else {
      for (const d of diags) process.stderr.write(`${formatDiagnostic(file, d)}\n`);
      const errors = diags.filter((d) => d.severity === 'error').length;
      if (r.ok) process.stdout.write(`✓ ${file} is a valid stream flow: ${r.modules} modules\n`);
      else process.stderr.write(`\n✗ ${file}: ${errors} problem${errors === 1 ? '' : 's'} found\n`);
    }
    return r.ok ? 0 : 1;
  }
  const result = await checkFlow(file, { text, jobs: knownJobs(file, opts.out) });
  const diags = sortDiagnostics(locatedFor(file, result.diagnostics));
  // A flow written for an older major of a module: say that `pype upgrade` migrates it.
  const upgrade = result.ok || isCodeFlow(file)
    ? undefined
    : await upgradeHint(file, result.diagnostics, async (t) => (await checkFlow(file, { text: t, jobs: knownJobs(file, opts.out) })).diagnostics, { jobDir: builtJobDir(opts.out, loadFlowFile(file).flow?.flow.name) });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ file, ok: result.ok, diagnostics: diags, ...(upgrade ? { upgrade_hint: upgrade } : {}) }, null, 2)}\n`);
  } else {
    for (const d of diags) process.stderr.write(`${formatDiagnostic(file, d)}\n`);
    const errors = diags.filter((d) => d.severity === 'error').length;
    const warnings = diags.length - errors;
    if (result.ok && result.plan) {
      const m = result.plan.metadata;
      process.stdout.write(`✓ ${file} is valid: ${Object.keys(result.plan.dag.nodes).length} modules, ${m.subflows.length} sub flows, ${m.control_edges.length} control connections${warnings ? `, ${warnings} warning(s)` : ''}\n${describeTriggers(m.triggers)}`);
    } else {
      process.stderr.write(`\n✗ ${file}: ${errors} problem${errors === 1 ? '' : 's'} found${warnings ? `, ${warnings} warning(s)` : ''}\n`);
      if (upgrade) process.stderr.write(`  ${upgrade}\n`);
    }
  }
  return result.ok ? 0 : 1;
}
