import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Listener, SubflowExecutor } from '@pypeline/core';
import { installBearerAuth, installLoopbackGuard } from './bearer-auth.js';
import { installErrorReplies } from './error-replies.js';
import { RunRegistry, type Recovered, type RegistryOptions } from './run-registry.js';
import { RunMetrics } from './run-metrics.js';
import type { RunStore } from './run-store.js';
import { SqliteRunStore } from './sqlite-run-store.js';
import { isPostgresUrl, PostgresRunStore } from './postgres-run-store.js';
import { healthRoute } from './routes/health.js';
import { runEventsRoute } from './routes/run-events.js';
import { runStatusRoute } from './routes/run-status.js';
import { startRunRoute } from './routes/start-run.js';
import { consoleRoutes } from './routes/console-files.js';
import { flowsRoute } from './routes/flows.js';
import { jobsRoutes } from './routes/jobs.js';
import { runControlRoutes } from './routes/run-control.js';
import { streamsRoutes } from './routes/streams.js';
import { schedulesRoute } from './routes/schedules.js';
import { TriggerEngine, type Clock } from './triggers/trigger-engine.js';

export interface ServerOptions {
  /** Folder of built jobs: `POST /jobs/<name>/runs` runs `<jobsDir>/<name>`. */
  jobsDir: string;
  /** Accepted bearer tokens; at least one, unless `auth` is false. */
  tokens: string[];
  /**
   * False: no token is asked for (`pype serve --no-auth`, `pype ui`). Only for a server that
   * listens on a loopback address (the caller makes sure): requests must name a loopback Host
   * and come from no other site. Default true.
   */
  auth?: boolean;
  /** The web console's built files; default `@pypeline/console`'s, when it is built. */
  consoleDir?: string;
  /** Where sub flows run; local (in this process) when omitted. */
  executor?: SubflowExecutor & { releaseRun?(runId: string): Promise<void>; readonly outage?: AbortSignal };
  /** Where the runs of flows that say `execution_mode: distributed` go when there is no `executor` (see RegistryOptions). */
  distributedExecutor?: RegistryOptions['distributedExecutor'];
  /** Shown by /health. Default `local`, or `bullmq` when an executor is given. */
  executorName?: string;
  /** Where modules are installed, for local runs. Default: cwd. */
  searchDirs?: string[];
  /** Largest JSON body, in bytes. Default 1 MiB. */
  bodyLimit?: number;
  /** Largest uploaded file, in bytes. Default 100 MiB. */
  uploadLimit?: number;
  /** Where uploads go (one folder per run); default `<job>/uploads`, on the job's shared storage. */
  uploadDir?: string;
  /** Finished runs kept for GET /runs/:id. Default 1000. */
  keepRuns?: number;
  /**
   * Where accepted runs and their events are kept across restarts: a SQLite file (default
   * `<jobsDir>/.pype-serve/runs.db`; `:memory:` keeps them in this process only) or a PostgreSQL
   * URL `postgres://user@host:5432/db[?schema=name]` (tables in schema `pype_serve` by default).
   */
  database?: string;
  /** Another run store (it wins over `database`); the server closes it. */
  store?: RunStore;
  /** Server-side log lines (internal errors with their stack). Default: stderr. */
  log?: (line: string) => void;
  /** Subscribers to every run's engine events, e.g. OpenTelemetry tracing (`pype serve --trace`). */
  listeners?: Listener[];
  /**
   * Fire the jobs' `triggers` (cron, file arrival, job success). Default true; `pype serve
   * --no-triggers` turns it off. `clock` and `pollMs` are for tests.
   */
  triggers?: boolean | { clock?: Clock; pollMs?: number; settleMs?: number };
}

export interface PypeServer {
  app: FastifyInstance;
  runs: RunRegistry;
  /** The engine that fires the jobs' triggers (running unless `triggers: false`). */
  triggers: TriggerEngine;
  /** What the server took up from its store at start: runs an earlier process left unfinished. */
  recovered: Recovered;
  /** Where the runs are kept, for messages (a PostgreSQL store's without its password). */
  storeLocation: string;
  /**
   * Stops: new runs are refused with 503, running runs get `graceMs` (default 0) to finish and
   * are then stopped cleanly for the next start to resume; queued runs stay in the store.
   * Resolves with the number of runs left unfinished there.
   */
  close(graceMs?: number): Promise<{ unfinished: number }>;
}

/** `pype serve`: the seed's Dispatch as HTTP: answer 202 at once, run in the background. */
export async function createServer(options: ServerOptions): Promise<PypeServer> {
  const auth = options.auth ?? true;
  if ((auth && !options.tokens.length) || options.tokens.some((t) => !t.trim())) throw new Error('createServer needs at least one non-empty bearer token (or auth: false)');
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? 1024 * 1024, return503OnClosing: true });
  // Only JSON (the context) and multipart (files and fields): anything else is a 415.
  app.removeContentTypeParser('text/plain');
  await app.register(multipart, { limits: { fileSize: options.uploadLimit ?? 100 * 1024 * 1024, files: 20, fields: 200, fieldSize: 64 * 1024 } });
  installErrorReplies(app, log);
  if (auth) installBearerAuth(app, options.tokens);
  else installLoopbackGuard(app);
  const store = options.store ?? (await openRunStore(options.database ?? defaultDatabase(options.jobsDir)));
  const metrics = new RunMetrics(() => store.counts());
  const runs = new RunRegistry({ executor: options.executor, distributedExecutor: options.distributedExecutor, searchDirs: options.searchDirs, keepRuns: options.keepRuns, store, log, observer: metrics, listeners: options.listeners });
  healthRoute(app, runs, options.executorName ?? (options.executor ? 'bullmq' : 'local'));
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));
  startRunRoute(app, runs, options.jobsDir, options.uploadDir);
  runStatusRoute(app, runs);
  runEventsRoute(app, runs);
  runControlRoutes(app, runs);
  jobsRoutes(app, runs, options.jobsDir);
  flowsRoute(app, options.jobsDir, options.searchDirs);
  streamsRoutes(app);
  const triggerOptions = typeof options.triggers === 'object' ? options.triggers : {};
  const triggers = new TriggerEngine({ jobsDir: options.jobsDir, runs, store, log, ...triggerOptions });
  schedulesRoute(app, triggers);
  await consoleRoutes(app, options.consoleDir);
  const recovered = await runs.recover();
  await removeOrphanUploads(options.uploadDir ? [options.uploadDir] : jobUploadFolders(options.jobsDir), store, log);
  if (options.triggers !== false) triggers.start();
  return {
    app,
    runs,
    triggers,
    recovered,
    storeLocation: store.location,
    async close(graceMs = 0) {
      await triggers.stop();
      const left = await runs.drain(graceMs);
      await app.close();
      await store.close();
      return left;
    },
  };
}

/**
 * A POST saves its files before its run is stored; a server that died in between left a folder
 * no run will remove. At start (before listening, so no POST is in flight) each run-id folder in
 * the upload folders that the store does not know is removed.
 */
async function removeOrphanUploads(roots: string[], store: RunStore, log: (line: string) => void): Promise<void> {
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root)) {
      if (!RUN_ID.test(name) || (await store.get(name))) continue;
      rmSync(join(root, name), { recursive: true, force: true });
      log(`pype serve: removed ${join(root, name)}: the files of a request that was never accepted (the server stopped before storing its run)`);
    }
  }
}

/** What RunRegistry.newId makes: `r`, the time in base 36, 8 hex digits. */
const RUN_ID = /^r[0-9a-z]{6,}[0-9a-f]{8}$/;

function jobUploadFolders(jobsDir: string): string[] {
  if (!existsSync(jobsDir)) return [];
  return readdirSync(jobsDir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => join(jobsDir, d.name, 'uploads'));
}

/** A SQLite file, or a PostgreSQL database when `database` is a postgres:// URL. */
export async function openRunStore(database: string): Promise<RunStore> {
  return isPostgresUrl(database) ? PostgresRunStore.open(database) : new SqliteRunStore(database);
}

/** The server's state folder is `<jobsDir>/.pype-serve` (no job can be named so). */
export function defaultDatabase(jobsDir: string): string {
  return join(jobsDir, '.pype-serve', 'runs.db');
}
