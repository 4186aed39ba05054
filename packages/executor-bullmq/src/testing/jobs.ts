import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFlow } from '@pypeline/core';
import { removeQueues } from '../remove-queues.js';

/** This package's folder: its parents' node_modules hold the workspace's modules. */
export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Writes `yaml` as `<project>/<name>.yaml` and builds it into `<outDir>/<flow name>`. */
export function buildJob(project: string, name: string, yaml: string, outDir: string, searchDirs = [project]): string {
  const file = join(project, `${name}.yaml`);
  writeFileSync(file, yaml);
  return buildFlow(file, { searchDirs, outDir }).jobDir;
}

/** Removes a test's work and dead-letter queues from Redis. */
export async function obliterateQueues(redis: string, queue: string): Promise<void> {
  await removeQueues(redis, queue).catch(() => {});
}

export interface TraceLine {
  nodeId: string;
  pid: number;
  what: 'start' | 'end';
  at: number;
  /** The run id the module saw (`ctx.runId`). */
  runId: string;
}

/** The lines the nap module appended to its `trace` file. */
export function readTrace(file: string): TraceLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
    const [nodeId, pid, what, at, runId] = l.split(' ');
    return { nodeId, pid: Number(pid), what: what as TraceLine['what'], at: Number(at), runId };
  });
}

/** Every file of a folder with its content, for comparing two runs' outputs. */
export function folderContents(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
}
