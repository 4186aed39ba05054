import type { Command } from 'commander';
import { buildCheckedFlow, formatDiagnostic, knownJobs, PypeError, sortDiagnostics } from '@pypeline/core';
import { describeTriggers } from '../describe-triggers.js';
import { flowText, isCodeFlow, isStreamFlowText, locatedFor, locatingErrors } from '../flow-source.js';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('validate a flow and write its job folder (<out>/<name>/)')
    .argument('<flow>', 'flow file (YAML, or TypeScript exporting a flow())')
    .option('-o, --out <dir>', 'folder to write the job folder into', 'jobs')
    .action(async (file: string, opts: { out: string }) => {
      const text = await flowText(file);
      if (!isCodeFlow(file) && isStreamFlowText(file, text)) {
        throw new PypeError(`${file} is a stream flow (execution_mode: stream): it runs without a job folder`, { hint: `check it with \`pype validate ${file}\`, run it with \`pype run ${file}\`` });
      }
      const result = await locatingErrors(file, () => buildCheckedFlow(file, { outDir: opts.out, text, jobs: knownJobs(file, opts.out) }));
      for (const d of sortDiagnostics(locatedFor(file, result.diagnostics))) process.stderr.write(`${formatDiagnostic(file, d)}\n`);
      const m = result.plan.metadata;
      process.stdout.write(`✓ built ${m.flow} → ${result.jobDir}\n  ${Object.keys(result.plan.dag.nodes).length} modules in ${m.subflows.length} sub flows; execution order: ${m.execution_order.join(' → ')}\n${describeTriggers(m.triggers)}  run it: pype run ${result.jobDir}\n`);
    });
}
