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
 * the run and answers 202 with its id at once; the run goes on in the background.
 */
export function startRunRoute(app: FastifyInstance, runs: RunRegistry, jobsDir: string, uploadRoot?: string): void {
  app.post<{ Params: { name: string }; Querystring: { context?: string } }>('/jobs/:name/runs', async (request, reply) => {
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
      const run = runs.start({ id, job: job.name, jobDir: job.dir, contextName, context: asked, uploadDir });
      return reply.code(202).header('location', `/runs/${run.id}`).send({ id: run.id, status: run.status, links: { self: `/runs/${run.id}`, events: `/runs/${run.id}/events` } });
    } catch (err) {
      if (uploadDir) rmSync(uploadDir, { recursive: true, force: true });
      throw err;
    }
  });
}
