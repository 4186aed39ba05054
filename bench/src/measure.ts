import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('./report-rss.js', import.meta.url));

export interface Measured {
  wallMs: number;
  peakRss: number;
  /** CPU time of the process, all threads (a steadier figure than wall time on a busy machine). */
  cpuMs: number;
  stdout: string;
}

/** Runs `node args...` in a child process: wall time from spawn to exit, and its peak RSS. */
export async function measureNode(args: string[], options: { cwd: string; tmp: string; env?: Record<string, string> }): Promise<Measured> {
  const rssFile = join(options.tmp, `rss-${process.pid}-${Date.now()}`);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', PRELOAD, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, BENCH_RSS_FILE: rssFile, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - t0;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}:\n${stderr || stdout}`);
  const { peakRss, cpuMs } = JSON.parse(readFileSync(rssFile, 'utf8')) as { peakRss: number; cpuMs: number };
  rmSync(rssFile, { force: true });
  return { wallMs, peakRss, cpuMs, stdout };
}
