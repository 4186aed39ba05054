import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import type { RunRecord, RunRegistry } from '../run-registry.js';

/** GET /runs/:id: status, per-module results (from the event stream) and errors. */
export function runStatusRoute(app: FastifyInstance, runs: RunRegistry): void {
  app.get<{ Params: { id: string } }>('/runs/:id', async (request) => runs.view(await findRun(runs, request.params.id)));
}

export async function findRun(runs: RunRegistry, id: string): Promise<RunRecord> {
  const run = await runs.get(id);
  if (!run) throw new HttpError(404, `no run ${id} on this server`, { hint: 'run ids come from POST /jobs/:name/runs; the server keeps the newest finished runs (pype serve --keep-runs) and forgets older ones' });
  return run;
}
