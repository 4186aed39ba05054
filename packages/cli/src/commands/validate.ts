import type { Command } from 'commander';
import { formatDiagnostic, sortDiagnostics, validateFlow } from '@pypeline/core';
import { flowText } from '../flow-source.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a flow file and report every problem with its line')
    .argument('<flow>', 'flow file (YAML, or TypeScript exporting a flow())')
    .option('--json', 'print the problems as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const result = validateFlow(file, { text: await flowText(file) });
      const diags = sortDiagnostics(result.diagnostics);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ file, ok: result.ok, diagnostics: diags }, null, 2)}\n`);
      } else {
        for (const d of diags) process.stderr.write(`${formatDiagnostic(file, d)}\n`);
        const errors = diags.filter((d) => d.severity === 'error').length;
        const warnings = diags.length - errors;
        if (result.ok && result.plan) {
          const m = result.plan.metadata;
          process.stdout.write(`✓ ${file} is valid: ${Object.keys(result.plan.dag.nodes).length} modules, ${m.subflows.length} sub flows, ${m.control_edges.length} control connections${warnings ? `, ${warnings} warning(s)` : ''}\n`);
        } else {
          process.stderr.write(`\n✗ ${file}: ${errors} problem${errors === 1 ? '' : 's'} found${warnings ? `, ${warnings} warning(s)` : ''}\n`);
        }
      }
      process.exitCode = result.ok ? 0 : 1;
    });
}
