import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadFlowText, PypeError, readFlowFile } from '@pypeline/core';
import { liveStatus, type MetricsFile } from '@pypeline/stream';
import { importCodeFlow, isCodeFlow, isStreamApp } from '../flow-source.js';
import { defaultStateDir, renderNodes } from '../stream-app-run.js';

interface InspectOptions { stateDir?: string; watch?: string | boolean; json?: boolean }

const ago = (ms: number) => (ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`);

/** The state folder of `target`: a state folder itself, or the app a flow file defines. */
async function stateDirOf(target: string, opts: InspectOptions): Promise<string> {
  if (opts.stateDir) return resolve(opts.stateDir);
  if (existsSync(join(target, 'metrics.json')) || existsSync(join(target, 'state.mdb'))) return resolve(target);
  if (isCodeFlow(target)) {
    const app = await importCodeFlow(target);
    if (!isStreamApp(app)) throw new PypeError(`${target} does not export a stream app`, { hint: 'pype inspect shows running stream apps; export default streamApp(...)' });
    return defaultStateDir((app as { name: string }).name);
  }
  if (/\.ya?ml$/i.test(target)) {
    const loaded = loadFlowText(target, readFlowFile(target));
    if (!loaded.flow) throw new PypeError(`${target} is not a valid flow`, { hint: `run pype validate ${target}` });
    return defaultStateDir(loaded.flow.flow.name);
  }
  throw new PypeError(`${target} is neither a stream app's state folder nor a flow file`, { hint: 'pass the app file (app.ts, flow.yaml) or its --state-dir' });
}

export function render(m: MetricsFile, dir: string, now = Date.now()): string {
  const live = liveStatus(m);
  const running = live === 'running' || live === 'starting' || live === 'stopping';
  const status = live === 'gone' ? `not running (process ${m.pid} is gone: it was killed or crashed; run the app again to resume from its last checkpoint)` : `${m.status}${running ? ` (pid ${m.pid}, up ${ago(now - m.startedAt)})` : ''}`;
  const lines = [
    `app ${m.app} · ${status}`,
    `state ${dir} · metrics updated ${ago(now - m.updatedAt)} ago`,
    m.checkpoint ? `checkpoint ${m.checkpoint.id}, taken ${ago(now - m.checkpoint.time)} ago in ${m.checkpoint.durationMs} ms` : 'no checkpoint yet',
  ];
  if (m.error) lines.push(`error: ${m.error}`);
  lines.push('', renderNodes(m.nodes));
  return lines.join('\n');
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show a stream app\'s live topology: per-operator throughput, lag, watermarks and state size')
    .argument('<app>', 'the app (app.ts or a stream flow YAML) or its state folder')
    .option('--state-dir <dir>', 'the app\'s state folder, when it was run with --state-dir')
    .option('-w, --watch [seconds]', 'refresh every few seconds (default 1) until Ctrl-C')
    .option('--json', 'print the metrics as JSON')
    .action(async (target: string, opts: InspectOptions) => {
      const dir = await stateDirOf(target, opts);
      const file = join(dir, 'metrics.json');
      const read = (): MetricsFile => {
        if (!existsSync(file)) throw new PypeError(`no metrics in ${dir}: the app has not run with this state folder`, { hint: 'start it with `pype run <app>` (add --state-dir if it uses another folder)' });
        return JSON.parse(readFileSync(file, 'utf8')) as MetricsFile;
      };
      const show = () => {
        const m = read();
        return opts.json ? JSON.stringify(m, null, 2) : render(m, dir);
      };
      if (!opts.watch) {
        process.stdout.write(`${show()}\n`);
        return;
      }
      const every = Math.max(0.2, Number(opts.watch === true ? 1 : opts.watch)) * 1000;
      for (;;) {
        process.stdout.write(`\x1b[2J\x1b[H${show()}\n`);
        await new Promise((r) => setTimeout(r, every));
      }
    });
}
