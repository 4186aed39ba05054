import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import type { SubflowExecutor } from '@pypeline/core';
import { installBearerAuth } from './bearer-auth.js';
import { installErrorReplies } from './error-replies.js';
import { RunRegistry } from './run-registry.js';
import { healthRoute } from './routes/health.js';
import { runEventsRoute } from './routes/run-events.js';
import { runStatusRoute } from './routes/run-status.js';
import { startRunRoute } from './routes/start-run.js';

export interface ServerOptions {
  /** Folder of built jobs: `POST /jobs/<name>/runs` runs `<jobsDir>/<name>`. */
  jobsDir: string;
  /** Accepted bearer tokens; at least one. */
  tokens: string[];
  /** Where sub flows run; local (in this process) when omitted. */
  executor?: SubflowExecutor & { releaseRun?(runId: string): Promise<void> };
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
  /** Server-side log lines (internal errors with their stack). Default: stderr. */
  log?: (line: string) => void;
}

export interface PypeServer {
  app: FastifyInstance;
  runs: RunRegistry;
  /** Stops accepting requests, cancels running runs cleanly and waits for them. */
  close(): Promise<void>;
}

/** `pype serve`: the seed's Dispatch as HTTP: answer 202 at once, run in the background. */
export async function createServer(options: ServerOptions): Promise<PypeServer> {
  if (!options.tokens.length || options.tokens.some((t) => !t.trim())) throw new Error('createServer needs at least one non-empty bearer token');
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? 1024 * 1024, return503OnClosing: true });
  // Only JSON (the context) and multipart (files and fields): anything else is a 415.
  app.removeContentTypeParser('text/plain');
  await app.register(multipart, { limits: { fileSize: options.uploadLimit ?? 100 * 1024 * 1024, files: 20, fields: 200, fieldSize: 64 * 1024 } });
  installErrorReplies(app, log);
  installBearerAuth(app, options.tokens);
  const runs = new RunRegistry({ executor: options.executor, searchDirs: options.searchDirs, keepRuns: options.keepRuns });
  healthRoute(app, runs, options.executorName ?? (options.executor ? 'bullmq' : 'local'));
  startRunRoute(app, runs, options.jobsDir, options.uploadDir);
  runStatusRoute(app, runs);
  runEventsRoute(app, runs);
  return {
    app,
    runs,
    async close() {
      await runs.close();
      await app.close();
    },
  };
}
