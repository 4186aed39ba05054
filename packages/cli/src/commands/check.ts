import type { Command } from 'commander';
import { checkModules, FlowValidationError, formatTable, PypeError, validateFlow, type ModuleCheck } from '@pypeline/core';
import { flowText, isCodeFlow, isStreamFlowText, locatedFor } from '../flow-source.js';

const MARK: Record<ModuleCheck['status'], string> = { ok: '✓', failed: '✗', skipped: '·', none: '–' };

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description("ask each module of a flow whether it could run now: input files readable, output folders writable, databases reachable with their tables (nothing is read or written)")
    .argument('<flow>', 'flow file (YAML, or TypeScript exporting a flow())')
    .option('-m, --module <id>', 'only this module (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--env <name>', 'the context environment whose values fill {{context.x}}', 'default')
    .option('--timeout <seconds>', 'how long one module may take to answer', '15')
    .option('--json', 'print the results as JSON')
    .action(async (file: string, opts: { module: string[]; env: string; timeout: string; json?: boolean }) => {
      const text = await flowText(file);
      if (!isCodeFlow(file) && isStreamFlowText(file, text)) {
        throw new PypeError(`${file} is a stream flow (execution_mode: stream): pype check reads batch flows`, { hint: `check it with \`pype validate ${file}\`` });
      }
      const timeout = Number(opts.timeout);
      if (!(timeout > 0)) throw new PypeError(`--timeout ${opts.timeout}: expected a number of seconds above 0`, { hint: 'e.g. --timeout 30' });
      const result = validateFlow(file, { text });
      if (!result.ok || !result.plan) throw new FlowValidationError(file, locatedFor(file, result.diagnostics));
      const ids = Object.keys(result.plan.dag.nodes);
      const unknown = opts.module.filter((id) => !ids.includes(id));
      if (unknown.length) throw new PypeError(`no module ${unknown.map((id) => `"${id}"`).join(', ')} in ${file}`, { hint: `the modules: ${ids.join(', ')}` });
      if (!(opts.env in result.plan.context)) {
        throw new PypeError(`${file} has no context environment "${opts.env}"`, { hint: `the environments: ${Object.keys(result.plan.context).join(', ') || 'default'}` });
      }
      const checks = await checkModules(result.plan, { env: opts.env, only: opts.module.length ? opts.module : undefined, timeoutMs: timeout * 1000 });
      const failed = checks.filter((c) => c.status === 'failed');
      process.exitCode = failed.length ? 1 : 0;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ file, ok: !failed.length, modules: checks }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${formatTable(['', 'module', 'type', 'what it found', 'ms'], checks.map((c) => [MARK[c.status], c.id, c.name, c.detail, String(c.ms)]))}\n`);
      for (const c of failed) if (c.hint) process.stderr.write(`✗ ${c.id}: ${c.detail}\n  fix: ${c.hint}\n`);
      const count = (status: ModuleCheck['status']) => checks.filter((c) => c.status === status).length;
      const parts = [`${count('ok')} ready`, `${failed.length} failed`, ...(count('skipped') ? [`${count('skipped')} known only at run time`] : []), ...(count('none') ? [`${count('none')} without a check`] : [])];
      process.stdout.write(`\n${failed.length ? '✗' : '✓'} ${file}: ${parts.join(', ')}\n`);
    });
}
