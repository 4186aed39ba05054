import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import { contextProblems } from '../check-context.js';
import { contextSchema, findJob, jobContext } from '../job-folders.js';
import { readRunRequest } from '../read-run-request.js';
import { RunRegistry } from '../run-registry.js';

/**
 * POST /jobs/:name/runs[?context=env]: checks the context (422 with every problem), accepts
 * the run, saves it in the run store and answers 202 with its id; the run goes on in the
 * background. While the server drains for shutdown it answers 503.
 */
export function startRunRoute(app: FastifyInstance, runs: RunRegistry, jobsDir: string, uploadRoot?: string): void {
  app.post<{ Params: { name: string }; Querystring: { context?: string } }>('/jobs/:name/runs', async (request, reply) => {
    checkAccepting(runs);
    const job = findJob(jobsDir, request.params.name);
    const id = RunRegistry.newId();
    const { context: asked, uploadDir } = await readRunRequest(request, join(uploadRoot ?? join(job.dir, 'uploads'), id));
    const contextName = request.query.context ?? 'default';
    try {
      const context = { ...jobContext(job, contextName), ...asked };
      const problems = contextProblems(context, contextSchema(job), job.name);
      if (problems.length) {
        throw new HttpError(422, `the context does not fit job ${job.name} (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { errors: problems });
      }
      checkAccepting(runs);
      const run = await runs.start({ id, job: job.name, jobDir: job.dir, contextName, context: asked, uploadDir });
      return reply.code(202).header('location', `/runs/${run.id}`).send({ id: run.id, status: run.status, links: { self: `/runs/${run.id}`, events: `/runs/${run.id}/events` } });
    } catch (err) {
      if (uploadDir) rmSync(uploadDir, { recursive: true, force: true });
      throw err;
    }
  });
}

/** A server draining for shutdown takes no new runs; the client should retry (another instance, or after the restart). */
function checkAccepting(runs: RunRegistry): void {
  if (runs.accepting) return;
  throw new HttpError(503, 'the server is shutting down and accepts no new runs', { hint: 'retry in a moment: runs it accepted earlier are kept and go on after its restart' });
}
