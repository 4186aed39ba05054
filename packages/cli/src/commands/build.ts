import type { Command } from 'commander';
import { buildFlow, formatDiagnostic, sortDiagnostics } from '@pypeline/core';
import { flowText } from '../flow-source.js';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('validate a flow and write its job folder (<out>/<name>/)')
    .argument('<flow>', 'flow file (YAML, or TypeScript exporting a flow())')
    .option('-o, --out <dir>', 'folder to write the job folder into', 'jobs')
    .action(async (file: string, opts: { out: string }) => {
      const result = buildFlow(file, { outDir: opts.out, text: await flowText(file) });
      for (const d of sortDiagnostics(result.diagnostics)) process.stderr.write(`${formatDiagnostic(file, d)}\n`);
      const m = result.plan.metadata;
      process.stdout.write(`✓ built ${m.flow} → ${result.jobDir}\n  ${Object.keys(result.plan.dag.nodes).length} modules in ${m.subflows.length} sub flows; execution order: ${m.execution_order.join(' → ')}\n  run it: pype run ${result.jobDir}\n`);
    });
}
