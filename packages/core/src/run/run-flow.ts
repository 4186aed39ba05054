import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCheckedFlow } from '../build/build.js';
import type { FlowBuilder } from '../builder/flow-builder.js';
import { runJob, type RunOptions, type RunResult } from './run-job.js';

export interface FlowRunOptions<Ctx> extends Omit<RunOptions, 'context' | 'contextOverrides'> {
  /** Context values for this run, over the `env` context the flow declares; typed by the flow's context type. */
  context?: Partial<Ctx>;
  /** The context environment to start from. @default 'default' */
  env?: string;
  /** Build the job folder into this folder and keep it; default: a temp folder, removed after the run. */
  outDir?: string;
}

/**
 * Runs a flow written with `flow()` in this process: builds it into a job folder (exactly what
 * `pype build` writes) and runs that. Build problems throw a FlowValidationError listing each;
 * failures while running are in the result (`status`, `errors`, one `results[id]` per module).
 * @example const result = await run(f, { context: { day: '2026-11-22' } });
 */
export async function run<Ctx extends object>(flow: FlowBuilder<Ctx>, options: FlowRunOptions<Ctx> = {}): Promise<RunResult> {
  const { context, env, outDir, ...rest } = options;
  const temp = outDir === undefined ? mkdtempSync(join(tmpdir(), 'pype-build-')) : undefined;
  try {
    // The flow has no file; diagnostics name it, and modules are found from the working directory.
    const { jobDir } = await buildCheckedFlow(resolve(`${flow.name}.flow`), { outDir: temp ?? outDir, text: flow.toYaml(), searchDirs: rest.searchDirs });
    return await runJob(jobDir, {
      ...rest,
      context: env,
      contextOverrides: context as Record<string, unknown> | undefined,
      // A temp job folder goes after the run; its log stays where it can be read.
      logDir: rest.logDir ?? (temp ? join(tmpdir(), 'pypeline-logs') : undefined),
    });
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}
