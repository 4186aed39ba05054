import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PypeError } from '@pypeline/core';
import { executorFromOptions } from '@pypeline/executor-bullmq';
import { createServer } from '@pypeline/server';
import { stopOnSignals } from '../stop-on-signals.js';
import { errorCode, errorMessage } from '@pypeline/sdk';

interface ServeCliOptions {
  host: string;
  port: string;
  jobs: string;
  tokenFile?: string;
  executor?: string;
  redis?: string;
  queue?: string;
  project: string;
  bodyLimit: string;
  uploadLimit: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve built jobs over HTTP: POST /jobs/:name/runs (202 + run id), GET /runs/:id, GET /runs/:id/events (SSE), GET /health')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--jobs <dir>', 'folder of built jobs (pype build --out <dir>)', 'jobs')
    .option('--token-file <file>', 'bearer tokens, one per line (default: PYPE_SERVE_TOKEN, comma-separated)')
    .option('--executor <kind>', 'where sub flows run: local (default) or bullmq')
    .option('--redis <url>', 'Redis of the bullmq executor (default: PYPE_REDIS_URL, else redis://127.0.0.1:6379)')
    .option('--queue <name>', 'work queue of the bullmq executor (default: PYPE_QUEUE, else pype)')
    .option('--project <dir>', 'folder whose node_modules hold the installed modules (local runs)', process.cwd())
    .option('--body-limit <bytes>', 'largest JSON body', String(1024 * 1024))
    .option('--upload-limit <bytes>', 'largest uploaded file', String(100 * 1024 * 1024))
    .action(async (opts: ServeCliOptions) => {
      const tokens = readTokens(opts.tokenFile);
      if (!existsSync(opts.jobs)) throw new PypeError(`jobs folder not found: ${opts.jobs}`, { hint: 'build jobs into it with `pype build flow.yaml --out <dir>`, or pass --jobs <dir>' });
      const executor = await executorFromOptions(opts);
      const server = await createServer({
        jobsDir: opts.jobs, tokens, executor, searchDirs: [opts.project],
        bodyLimit: bytes(opts.bodyLimit, '--body-limit'), uploadLimit: bytes(opts.uploadLimit, '--upload-limit'),
      });
      const address = await server.app.listen({ host: opts.host, port: bytes(opts.port, '--port') });
      process.stdout.write(`▶ pype serve on ${address} (jobs: ${opts.jobs}, executor: ${executor ? `bullmq queue ${executor.queueName}` : 'local'})\n`);
      const stop = stopOnSignals({ say: (line) => void process.stdout.write(`${line}\n`), stopping: 'stopping; running runs are cancelled cleanly', keeps: 'their checkpoints are kept' });
      await stop.stopped;
      await server.close();
      await executor?.close();
      stop.dispose();
      process.stdout.write('✓ stopped\n');
    });
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

function bytes(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new PypeError(`${flag} ${value}: expected a whole number`);
  return n;
}
