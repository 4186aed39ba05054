import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCheckedFlow, formatDiagnostic, PypeError, readFlowFile, sortDiagnostics } from '@pypeline/core';
import type { StreamApp } from '@pypeline/stream';
import { codeFlowText, importCodeFlow, isCodeFlow, isStreamApp, isStreamFlowText, locatedFor, locatingErrors } from './flow-source.js';
import { parseSets } from './run-extras.js';

/** A stream app (runs without a job folder), or a job folder (`tempDir` when built for this run). */
export type RunTarget = { kind: 'stream'; app: StreamApp } | { kind: 'job'; jobDir: string; tempDir?: string };

export interface RunTargetOptions {
  context: string;
  set: string[];
  resume?: boolean;
}

/**
 * What `pype run <target>` runs: a job folder as it is; a stream app (a TypeScript `streamApp`,
 * or YAML with `execution_mode: stream`); any other flow file, built into a temp job folder.
 */
export async function resolveRunTarget(target: string, opts: RunTargetOptions): Promise<RunTarget> {
  if (!/\.ya?ml$/i.test(target) && !isCodeFlow(target)) return { kind: 'job', jobDir: target };
  const flow = await loadFlow(target, opts);
  if ('app' in flow) return { kind: 'stream', app: flow.app };
  if (opts.resume) throw new PypeError('--resume needs a job folder, not a flow file', { hint: 'build it with `pype build flow.yaml` and run the job folder' });
  return await buildIntoTempDir(target, flow.text);
}

async function loadFlow(target: string, opts: RunTargetOptions): Promise<{ app: StreamApp } | { text: string }> {
  if (isCodeFlow(target)) {
    const exported = await importCodeFlow(target);
    return isStreamApp(exported) ? { app: exported as StreamApp } : { text: codeFlowText(target, exported) };
  }
  const text = readFlowFile(target);
  if (!isStreamFlowText(target, text)) return { text };
  const { streamAppFromFlow } = await import('@pypeline/stream-connectors');
  return { app: await streamAppFromFlow(target, text, { context: opts.context, overrides: parseSets(opts.set) }) };
}

/** Builds the flow into a temp folder (the caller removes it), printing its warnings. */
async function buildIntoTempDir(target: string, text: string): Promise<RunTarget> {
  const tempDir = mkdtempSync(join(tmpdir(), 'pype-build-'));
  try {
    // Not durable: the folder is removed when the run ends.
    const built = await locatingErrors(target, () => buildCheckedFlow(target, { outDir: tempDir, text, durable: false }));
    for (const d of sortDiagnostics(locatedFor(target, built.diagnostics))) process.stderr.write(`${formatDiagnostic(target, d)}\n`);
    return { kind: 'job', jobDir: built.jobDir, tempDir };
  } catch (error) {
    rmSync(tempDir, { recursive: true, force: true });
    throw error;
  }
}
