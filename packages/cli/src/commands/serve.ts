import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PypeError, type DistributedDocument } from '@pypeline/core';
import { executorFromOptions, type BullmqExecutor, type ExecutorChoice } from '@pypeline/executor-bullmq';
import { createServer, defaultDatabase, type Recovered } from '@pypeline/server';
import { stopOnSignals } from '../stop-on-signals.js';
import { EXIT_REDIS_OUTAGE, REDIS_OUTAGE_LIMIT_OPTION, redisOutageLimit } from '../redis-outage-limit.js';
import { cliTracing, describeTracing, TRACE_OPTION } from '../tracing.js';
import { errorCode, errorMessage } from '@pypeline/sdk';

export interface ServeCliOptions {
  host: string;
  /** False with --no-auth (commander's negation), or for `pype ui` without a token. */
  auth?: boolean;
  port: string;
  jobs: string;
  tokenFile?: string;
  executor?: string;
  redis?: string;
  queue?: string;
  project: string;
  bodyLimit: string;
  uploadLimit: string;
  db?: string;
  grace: string;
  keepRuns: string;
  redisOutageLimit?: string;
  trace?: boolean;
  /** False with --no-triggers. */
  triggers?: boolean;
}

export function registerServe(program: Command): void {
  serveOptions(
    program
      .command('serve')
      .description('serve built jobs over HTTP, with the web console at /console/: POST /jobs/:name/runs (202 + run id), GET /runs/:id, GET /runs/:id/events (SSE), GET /health')
      .option('--jobs <dir>', 'folder of built jobs (pype build --out <dir>)', 'jobs')
      .option('--no-auth', 'ask for no bearer token: only with a loopback --host (127.0.0.1, localhost, ::1), for a local user'),
  ).action((opts: ServeCliOptions) => serveJobs(opts));
}

/** The options `pype serve` and `pype ui` share. */
export function serveOptions(command: Command): Command {
  return command
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--token-file <file>', 'bearer tokens, one per line (default: PYPE_SERVE_TOKEN, comma-separated)')
    .option('--executor <kind>', 'where sub flows run: local (default) or bullmq')
    .option('--redis <url>', 'Redis of the bullmq executor (default: PYPE_REDIS_URL, else redis://127.0.0.1:6379)')
    .option('--queue <name>', 'work queue of the bullmq executor (default: PYPE_QUEUE, else pype)')
    .option('--project <dir>', 'folder whose node_modules hold the installed modules (local runs)', process.cwd())
    .option('--body-limit <bytes>', 'largest JSON body', String(1024 * 1024))
    .option('--upload-limit <bytes>', 'largest uploaded file', String(100 * 1024 * 1024))
    .option('--db <file|url>', 'where accepted runs are kept across restarts: a SQLite file (default <jobs>/.pype-serve/runs.db) or postgres://user@host:5432/db[?schema=name]')
    .option('--grace <seconds>', 'on SIGTERM/SIGINT: how long running runs may take to finish before they are stopped for the next start to resume', '30')
    .option('--keep-runs <n>', 'finished runs kept for GET /runs/:id (older ones are forgotten)', '1000')
    .option('--no-triggers', 'do not fire the jobs\' triggers (cron, file arrival, job success); runs start only over HTTP')
    .option(...REDIS_OUTAGE_LIMIT_OPTION)
    .option(...TRACE_OPTION);
}

/**
 * Runs the server until SIGTERM/SIGINT (or a Redis outage). `onListening` gets the address once
 * it listens (`pype ui` prints and opens the console there).
 */
export async function serveJobs(opts: ServeCliOptions, onListening?: (address: string) => void | Promise<void>): Promise<void> {
  const auth = opts.auth !== false;
  if (!auth && !isLoopback(opts.host)) {
    throw new PypeError(`--no-auth with --host ${opts.host}: a server without tokens may listen only on a loopback address`, { hint: 'use --host 127.0.0.1 (the default), or keep auth on and set PYPE_SERVE_TOKEN' });
  }
  const tokens = auth ? readTokens(opts.tokenFile) : [];
  if (!existsSync(opts.jobs)) throw new PypeError(`jobs folder not found: ${opts.jobs}`, { hint: 'build jobs into it with `pype build flow.yaml --out <dir>`, or pass --jobs <dir>' });
  const graceMs = wholeNumber(opts.grace, '--grace') * 1000;
  const database = opts.db ?? defaultDatabase(opts.jobs);
  const tracing = await cliTracing('serve', opts.trace);
  // Every queue's tasks carry their run's trace context to the workers.
  const queueOptions = { ...opts, ...(await redisOutageLimit(opts.redisOutageLimit)), traceparent: tracing && ((runId: string) => tracing.traceparent(runId)) };
  const executor = await executorFromOptions(queueOptions);
  const flowQueues = flowExecutors(queueOptions);
  const server = await createServer({
    jobsDir: opts.jobs, tokens, auth, executor, distributedExecutor: flowQueues.get, searchDirs: [opts.project], database, keepRuns: wholeNumber(opts.keepRuns, '--keep-runs'),
    listeners: tracing && [tracing.runListener()],
    bodyLimit: wholeNumber(opts.bodyLimit, '--body-limit'), uploadLimit: wholeNumber(opts.uploadLimit, '--upload-limit'), triggers: opts.triggers !== false,
  });
  const say = (line: string) => void process.stdout.write(`${line}\n`);
  // Handlers first: a signal during listen() must drain too, not kill the process mid-write.
  const stop = stopOnSignals({
    say, stopping: `refusing new runs (503) and giving running runs up to ${opts.grace} s to finish`,
    keeps: 'queued runs stay queued in the run store', exitNote: 'running runs resume from their checkpoints at the next start',
  });
  const address = await server.app.listen({ host: opts.host, port: wholeNumber(opts.port, '--port') });
  say(`▶ pype serve on ${address} (jobs: ${opts.jobs}, executor: ${executor ? `bullmq queue ${executor.queueName}` : 'local'}, runs kept in ${server.storeLocation}${auth ? '' : ', no token asked: loopback only'})`);
  if (tracing) say(describeTracing(tracing));
  if (server.recovered.queued || server.recovered.interrupted) say(describeRecovered(server.recovered));
  await onListening?.(address);
  // Redis away longer than --redis-outage-limit: stop as on SIGTERM but without grace (the
  // running runs cannot go on without their queue), and exit 75 for a supervisor to restart.
  const outage = executor ? new Promise<unknown>((resolve) => executor.outage.addEventListener('abort', () => resolve(executor.outage.reason), { once: true })) : new Promise<never>(() => {});
  const cause = await Promise.race([stop.stopped.then(() => null), outage]);
  if (cause !== null) {
    const error = cause instanceof PypeError ? cause : new PypeError(String(cause));
    process.stderr.write(`✗ ${error.message}\n${error.hint ? `  fix: ${error.hint}\n` : ''}  stopping: running runs are stopped for the next start to resume, queued runs stay queued in the run store\n`);
  }
  const { unfinished: left } = await server.close(cause === null ? graceMs : 0);
  await executor?.close();
  await flowQueues.close();
  await tracing?.shutdown();
  stop.dispose();
  say(`${cause === null ? '✓' : '✗'} stopped${left ? `; ${left} unfinished run${left === 1 ? '' : 's'} wait${left === 1 ? 's' : ''} in the run store for the next start` : ''}`);
  if (cause !== null) process.exitCode = EXIT_REDIS_OUTAGE;
}

/**
 * The queues flows with `execution_mode: distributed` name (`settings.distributed`; `--redis`
 * and `--queue` win over them, as in `pype run`): one connection per Redis and queue, made at
 * the first run that needs it and kept; one whose Redis stayed away past the outage limit is
 * dropped (its run fails) and the next run connects afresh.
 */
function flowExecutors(opts: ServeCliOptions & Awaited<ReturnType<typeof redisOutageLimit>> & Pick<ExecutorChoice, 'traceparent'>): { get: (s: DistributedDocument) => Promise<BullmqExecutor>; close: () => Promise<void> } {
  const open = new Map<string, Promise<BullmqExecutor>>();
  return {
    get: (settings) => {
      const choice = { ...opts, executor: 'bullmq', redis: opts.redis ?? settings.redis, queue: opts.queue ?? settings.queue };
      const key = `${choice.redis ?? ''}\n${choice.queue ?? ''}`;
      let made = open.get(key);
      if (!made) {
        made = executorFromOptions(choice).then((e) => {
          e!.outage.addEventListener('abort', () => open.delete(key), { once: true });
          return e!;
        });
        made.catch(() => open.delete(key));
        open.set(key, made);
      }
      return made;
    },
    close: async () => {
      const all = await Promise.allSettled(open.values());
      open.clear();
      await Promise.all(all.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    },
  };
}

/** 127.0.0.0/8, ::1 and localhost: addresses no other machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function describeRecovered({ queued, interrupted }: Recovered): string {
  const parts = [queued ? `${queued} queued` : '', interrupted ? `${interrupted} interrupted (resumed from their checkpoints where possible)` : ''].filter(Boolean);
  return `↻ taking up runs an earlier server left unfinished: ${parts.join(', ')}`;
}

function readTokens(file: string | undefined): string[] {
  const raw = file ? readText(file) : (process.env.PYPE_SERVE_TOKEN ?? '');
  const tokens = raw.split(file ? /\r?\n/ : ',').map((t) => t.trim()).filter(Boolean);
  if (!tokens.length) {
    throw new PypeError(file ? `${file} holds no token` : 'no bearer token configured', {
      hint: 'set PYPE_SERVE_TOKEN (several: comma-separated) or pass --token-file <file> (one token per line); clients send Authorization: Bearer <token>',
    });
  }
  return tokens;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new PypeError(`cannot read the token file ${file}: ${errorCode(err) ?? errorMessage(err)}`);
  }
}

function wholeNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new PypeError(`${flag} ${value}: expected a whole number`);
  return n;
}
