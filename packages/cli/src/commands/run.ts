import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildFlow, formatDiagnostic, PypeError, renderSummary, runJob, sortDiagnostics, formatMs, type Listener } from '@pypeline/core';
import { consoleReporter } from '../console-reporter.js';
import { stopOnSignals } from '../stop-on-signals.js';
import { codeFlowText, importCodeFlow, isCodeFlow, isStreamApp, isStreamFlowText } from '../flow-source.js';
import { readFlowFile } from '@pypeline/core';
import type { StreamApp } from '@pypeline/stream';
import { cacheOption, eventRecorder, loadPlugins } from '../run-extras.js';

interface RunCliOptions {
  context: string;
  set: string[];
  json?: boolean;
  verbose?: boolean;
  logFile?: string;
  resume?: boolean;
  executor?: string;
  redis?: string;
  events?: string;
  plugin: string[];
  cache?: boolean;
  cacheDir?: string;
  cacheMaxSize?: string;
  stateDir?: string;
  checkpointInterval?: string;
  progress?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a job folder, or a flow file (built into a temp folder first)')
    .argument('<job>', 'job folder (from pype build) or flow YAML file')
    .option('-c, --context <env>', 'context environment to use', 'default')
    .option('-s, --set <key=value>', 'override a context variable (repeatable)', collect, [])
    .option('--json', 'write the JSON event log to stdout instead of progress lines')
    .option('-v, --verbose', 'also print debug log lines of modules')
    .option('--log-file <file>', 'where to write the JSON log (default: <job>/logs/run-<id>.jsonl)')
    .option('--resume', 'continue an interrupted or failed run from its checkpoint')
    .option('--executor <kind>', 'where sub flows run: local (this process, the default) or bullmq (workers on a Redis queue)')
    .option('--redis <url>', 'Redis of the bullmq executor (default: PYPE_REDIS_URL, else redis://127.0.0.1:6379)')
    .option('--events <file>', 'record every event of the run as JSON Lines (replay it with `pype replay`)')
    .option('--plugin <package>', 'load hooks from a package whose default export is a Hooks object (repeatable)', collect, [])
    .option('--cache', 'skip modules whose version, resolved config and inputs are unchanged, reusing their stored outputs')
    .option('--cache-dir <dir>', 'the cache folder (default: PYPE_CACHE_DIR, else .pype-cache in the working directory)')
    .option('--cache-max-size <size>', 'size limit of the cache, least recently used entries go first (default 1GiB)')
    .option('--state-dir <dir>', 'stream apps: folder for state and checkpoints (default .pype-stream/<app>)')
    .option('--checkpoint-interval <duration>', 'stream apps: how often to checkpoint, e.g. 5s (default: the app\'s, else 10s)')
    .option('--progress <seconds>', 'stream apps: seconds between progress lines (0 = none)', '10')
    .action(async (target: string, opts: RunCliOptions) => {
      let jobDir = target;
      let tempDir: string | undefined;
      if (/\.ya?ml$/i.test(target) || isCodeFlow(target)) {
        // Stream apps (a TypeScript streamApp, or YAML with execution_mode: stream) run without a job folder.
        let text: string;
        if (isCodeFlow(target)) {
          const exported = await importCodeFlow(target);
          if (isStreamApp(exported)) {
            process.exitCode = await runStream(target, exported as StreamApp, opts);
            return;
          }
          text = codeFlowText(target, exported);
        } else {
          text = readFlowFile(target);
          if (isStreamFlowText(target, text)) {
            const { streamAppFromFlow } = await import('@pypeline/stream-connectors');
            const app = await streamAppFromFlow(target, text, { context: opts.context, overrides: parseSets(opts.set) });
            process.exitCode = await runStream(target, app, opts);
            return;
          }
        }
        if (opts.resume) throw new PypeError('--resume needs a job folder, not a flow file', { hint: 'build it with `pype build flow.yaml` and run the job folder' });
        tempDir = mkdtempSync(join(tmpdir(), 'pype-build-'));
        const built = buildFlow(target, { outDir: tempDir, text });
        for (const d of sortDiagnostics(built.diagnostics)) process.stderr.write(`${formatDiagnostic(target, d)}\n`);
        jobDir = built.jobDir;
      }
      const out = (line: string) => process.stdout.write(`${line}\n`);
      const listeners: Listener[] = [opts.json ? (e) => out(JSON.stringify(e)) : consoleReporter(out, opts.verbose)];
      const recorder = opts.events ? eventRecorder(opts.events) : undefined;
      if (recorder) listeners.push(recorder.listener);
      const hooks = await loadPlugins(opts.plugin);
      // The queue client is loaded only for runs that use it (startup time of plain runs).
      const executor = opts.executor || opts.redis ? await (await import('@pypeline/executor-bullmq')).executorFromOptions(opts) : undefined;
      const stop = stopOnSignals();
      try {
        const result = await runJob(jobDir, {
          resume: opts.resume,
          cache: cacheOption(opts),
          executor,
          hooks,
          signal: stop.signal,
          context: opts.context,
          contextOverrides: parseSets(opts.set),
          listeners,
          logFile: opts.logFile,
          // The temp job folder is removed after the run; keep its log where it can be read.
          logDir: tempDir ? join(tmpdir(), 'pypeline-logs') : undefined,
        });
        if (!opts.json) {
          out(`\n${renderSummary(result.events, [])}\n`);
          if (result.status === 'success') out(`✓ ${result.flow} succeeded in ${formatMs(result.durationMs)}  (log: ${result.logFile})`);
          else {
            const first = result.errors[0];
            const line = result.events.findIndex((e) => e.type === 'module.failed' && !e.willRetry) + 1;
            process.stderr.write(`✗ ${result.flow} failed after ${formatMs(result.durationMs)}: ${first?.message ?? 'unknown error'}\n`);
            if (first?.hint) process.stderr.write(`  fix: ${first.hint}\n`);
            for (const e of result.errors.slice(1)) process.stderr.write(`  also: ${e.message}\n`);
            process.stderr.write(`  log: ${result.logFile}${line > 0 ? `:${line}` : ''}\n`);
          }
        }
        if (result.interrupted) {
          process.stderr.write(result.resumable && !tempDir ? `  resume with: pype run ${jobDir} --resume\n` : '  (run `pype build` first to be able to resume an interrupted run)\n');
        } else if (result.resumable && !tempDir && result.status !== 'success') {
          process.stderr.write(`  resume from the failed sub flow with: pype run ${jobDir} --resume\n`);
        }
        process.exitCode = result.interrupted ? stop.exitCode() : result.status === 'success' ? 0 : 1;
      } finally {
        stop.dispose();
        await executor?.close();
        recorder?.close();
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      }
    });
}

async function runStream(label: string, app: StreamApp, opts: RunCliOptions): Promise<number> {
  const { runStreamAppCli } = await import('../stream-app-run.js');
  return runStreamAppCli(label, app, opts);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseSets(sets: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new PypeError(`--set ${s}: expected key=value`, { hint: 'e.g. --set input_dir=/data' });
    const raw = s.slice(eq + 1);
    out[s.slice(0, eq)] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
  }
  return out;
}
