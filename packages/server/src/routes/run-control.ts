import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import { RunRegistry } from '../run-registry.js';
import { findRun } from './run-status.js';

/**
 * POST /runs/:id/cancel: stops a queued or running run (a stopped run keeps its checkpoint).
 * POST /runs/:id/resume: a new run of the same job and context that continues the job folder's
 * checkpoint, which a failed or cancelled run left (starts afresh when there is none).
 */
export function runControlRoutes(app: FastifyInstance, runs: RunRegistry): void {
  app.post<{ Params: { id: string } }>('/runs/:id/cancel', async (request, reply) => {
    const run = await findRun(runs, request.params.id);
    if (!(await runs.cancel(run.id))) {
      throw new HttpError(409, `run ${run.id} has already ended (${run.status})`, { hint: 'only a queued or running run can be cancelled' });
    }
    return reply.code(202).send({ id: run.id, status: 'cancelling' });
  });

  app.post<{ Params: { id: string } }>('/runs/:id/resume', async (request, reply) => {
    const run = await findRun(runs, request.params.id);
    if (run.status !== 'failed' && run.status !== 'cancelled') {
      throw new HttpError(409, `run ${run.id} is ${run.status}: only a failed or cancelled run can be resumed`, { hint: 'start a new run with POST /jobs/:name/runs' });
    }
    if (!runs.accepting) throw new HttpError(503, 'the server is shutting down and accepts no new runs', { hint: 'retry after its restart' });
    const next = await runs.start({ id: RunRegistry.newId(), job: run.job, jobDir: run.jobDir, contextName: run.contextName, context: run.context, resume: true });
    return reply.code(202).header('location', `/runs/${next.id}`).send({ id: next.id, status: next.status, resumes: run.id, links: { self: `/runs/${next.id}`, events: `/runs/${next.id}/events` } });
  });
}
