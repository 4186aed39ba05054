import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadJob, PypeError, renderSummary, runJob, formatMs, type Listener, type RunOptions, type RunResult } from '@pypeline/core';
import type { BullmqExecutor } from '@pypeline/executor-bullmq';
import { canRedraw, plainReporter } from '../run-progress.js';
import type { liveReporter as LiveReporter } from '../live-reporter.js';
import { sayOnStderr, stopOnSignals } from '../stop-on-signals.js';
import { EXIT_REDIS_OUTAGE, REDIS_OUTAGE_LIMIT_OPTION, redisOutageLimit } from '../redis-outage-limit.js';
import { cacheOption, eventRecorder, loadPlugins, parseSets } from '../run-extras.js';
import { resolveRunTarget, type RunTarget } from '../run-target.js';
import { cliTracing, TRACE_OPTION } from '../tracing.js';
import type { Tracing } from '@pypeline/telemetry';

interface RunCliOptions {
  context: string;
  set: string[];
  json?: boolean;
  verbose?: boolean;
  logFile?: string;
  resume?: boolean;
  executor?: string;
  redis?: string;
  redisOutageLimit?: string;
  events?: string;
  plugin: string[];
  cache?: boolean;
  cacheDir?: string;
  cacheMaxSize?: string;
  stateDir?: string;
  checkpointInterval?: string;
  progress?: string;
  trace?: boolean;
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
    .option(...REDIS_OUTAGE_LIMIT_OPTION)
    .option('--events <file>', 'record every event of the run as JSON Lines (replay it with `pype replay`)')
    .option('--plugin <package>', 'load hooks from a package whose default export is a Hooks object (repeatable)', collect, [])
    .option('--cache', 'skip modules whose version, resolved config and inputs are unchanged, reusing their stored outputs')
    .option('--cache-dir <dir>', 'the cache folder (default: PYPE_CACHE_DIR, else .pype-cache in the working directory)')
    .option('--cache-max-size <size>', 'size limit of the cache, least recently used entries go first (default 1GiB)')
    .option('--state-dir <dir>', 'stream apps: folder for state and checkpoints (default .pype-stream/<app>)')
    .option('--checkpoint-interval <duration>', 'stream apps: how often to checkpoint, e.g. 5s (default: the app\'s, else 10s)')
    .option('--progress <seconds>', 'without a terminal (and for stream apps): seconds between progress lines of a running module (0 = none)', '10')
    .option(...TRACE_OPTION)
    .action(runCommand);
}

/** `pype run <target>`: a stream app runs until stopped; a job runs to its end and is reported. */
async function runCommand(target: string, opts: RunCliOptions): Promise<void> {
  const resolved = await resolveRunTarget(target, opts);
  if (resolved.kind === 'stream') {
    if (opts.trace) throw new PypeError('--trace traces batch runs; stream apps are not traced yet', { hint: 'drop --trace; watch a stream app with `pype inspect`' });
    const { runStreamAppCli } = await import('../stream-app-run.js');
    process.exitCode = await runStreamAppCli(target, resolved.app, opts);
    return;
  }
  try {
    process.exitCode = await runBatchJob(resolved, opts);
  } finally {
    if (resolved.tempDir) rmSync(resolved.tempDir, { recursive: true, force: true });
  }
}

/** Runs a job folder until it ends or Ctrl-C; returns the exit code. */
async function runBatchJob(job: BatchTarget, opts: RunCliOptions): Promise<number> {
  const recorder = opts.events ? eventRecorder(opts.events) : undefined;
  const hooks = await loadPlugins(opts.plugin);
  const tracing = await cliTracing('run', opts.trace);
  const executor = await chooseExecutor(opts, job, tracing);
  const stop = stopOnSignals({ say: sayOnStderr, stopping: 'stopping the run', hint: 'the checkpoint keeps every completed sub flow' });
  // Redis away longer than --redis-outage-limit stops the run as Ctrl-C would.
  const signal = executor ? AbortSignal.any([stop.signal, executor.outage]) : stop.signal;
  const live = !opts.json && canRedraw(process.stdout) ? (await import('../live-reporter.js')).liveReporter : undefined;
  const options = runOptions(job, opts, recorder, live);
  if (tracing) options.listeners!.push(tracing.runListener());
  try {
    const result = await runJob(job.jobDir, { ...options, hooks, executor, signal });
    if (executor?.outage.aborted) return reportOutage(executor.outage.reason, result, job, !opts.json);
    if (!opts.json) reportResult(result);
    reportHowToResume(result, job);
    return result.interrupted ? stop.exitCode() : result.status === 'success' ? 0 : 1;
  } finally {
    stop.dispose();
    await executor?.close();
    recorder?.close();
    // After a stop by Ctrl-C too: the run's spans end with run.finished and are sent here.
    await tracing?.shutdown();
  }
}

type BatchTarget = Extract<RunTarget, { kind: 'job' }>;
const out = (line: string) => void process.stdout.write(`${line}\n`);

/** The run options the flags ask for, but for hooks, executor and signal. */
function runOptions(job: BatchTarget, opts: RunCliOptions, recorder: { listener: Listener } | undefined, live: typeof LiveReporter | undefined): RunOptions {
  const listeners: Listener[] = [opts.json ? (e) => out(JSON.stringify(e)) : live ? live(process.stdout, opts.verbose) : plainReporter(out, opts.verbose, progressEvery(opts.progress))];
  if (recorder) listeners.push(recorder.listener);
  return {
    resume: opts.resume,
    cache: cacheOption(opts),
    context: opts.context,
    contextOverrides: parseSets(opts.set),
    listeners,
    logFile: opts.logFile,
    // The temp job folder is removed after the run; keep its log where it can be read.
    logDir: job.tempDir ? join(tmpdir(), 'pypeline-logs') : undefined,
  };
}

/** `--progress <seconds>` in ms; 0 turns the plain progress lines off. */
function progressEvery(value: string | undefined): number {
  const seconds = Number(value ?? 10);
  if (!Number.isFinite(seconds) || seconds < 0) throw new PypeError(`--progress ${value}: expected a number of seconds (0 = no progress lines)`);
  return seconds > 0 ? seconds * 1000 : Infinity;
}

/**
 * Workers on a Redis queue when `--executor` or `--redis` ask for it, or the flow says
 * `execution_mode: distributed` (its `settings.distributed` giving Redis and queue; flags win);
 * else this process.
 */
async function chooseExecutor(opts: RunCliOptions, job: BatchTarget, tracing: Tracing | undefined): Promise<BullmqExecutor | undefined> {
  const settings = loadJob(job.jobDir).metadata.settings;
  const fromFlow = settings.execution_mode === 'distributed' && opts.executor === undefined;
  if (!opts.executor && !opts.redis && !fromFlow) return undefined;
  // The queue client is loaded only for runs that use it (startup time of plain runs).
  return (await import('@pypeline/executor-bullmq')).executorFromOptions({
    ...opts,
    ...(fromFlow ? { executor: 'bullmq', redis: opts.redis ?? settings.distributed?.redis, queue: settings.distributed?.queue } : {}),
    debug: process.argv.includes('--debug'), ...(await redisOutageLimit(opts.redisOutageLimit)),
    traceparent: tracing && ((runId) => tracing.traceparent(runId)),
  });
}

/** The summary (`table`), then why the run stopped instead of its first error: the outage. */
function reportOutage(reason: unknown, result: RunResult, job: BatchTarget, table: boolean): number {
  if (table) out(`\n${renderSummary(result.events, [])}\n`);
  const error = reason instanceof PypeError ? reason : new PypeError(String(reason));
  process.stderr.write(`✗ ${error.message}\n`);
  if (error.hint) process.stderr.write(`  fix: ${error.hint}\n`);
  if (result.resumable && !job.tempDir) process.stderr.write(`  resume with: pype run ${job.jobDir} --executor bullmq --resume\n`);
  return EXIT_REDIS_OUTAGE;
}

/** The summary table, then success, or the failure with its fix and where the log is. */
export function reportResult(result: RunResult): void {
  out(`\n${renderSummary(result.events, [])}\n`);
  if (result.status === 'success') return out(`✓ ${result.flow} succeeded in ${formatMs(result.durationMs)}  (log: ${result.logFile})`);
  const first = result.errors[0];
  const line = result.events.findIndex((e) => e.type === 'module.failed' && !e.willRetry) + 1;
  process.stderr.write(`✗ ${result.flow} failed after ${formatMs(result.durationMs)}: ${first?.message ?? 'unknown error'}\n`);
  if (first?.hint) process.stderr.write(`  fix: ${first.hint}\n`);
  for (const e of result.errors.slice(1)) process.stderr.write(`  also: ${e.message}\n`);
  process.stderr.write(`  log: ${result.logFile}${line > 0 ? `:${line}` : ''}\n`);
}

function reportHowToResume(result: RunResult, job: BatchTarget): void {
  if (result.interrupted) {
    process.stderr.write(result.resumable && !job.tempDir ? `  resume with: pype run ${job.jobDir} --resume\n` : '  (run `pype build` first to be able to resume an interrupted run)\n');
  } else if (result.resumable && !job.tempDir && result.status !== 'success') {
    process.stderr.write(`  resume from the failed sub flow with: pype run ${job.jobDir} --resume\n`);
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
