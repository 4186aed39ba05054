import type { FastifyInstance } from 'fastify';
import { PYPELINE_VERSION } from '@pypeline/core';
import type { RunRegistry } from '../run-registry.js';

/** GET /health: open to all (load balancers), so it tells only that the service is up and busy. */
export function healthRoute(app: FastifyInstance, runs: RunRegistry, executor: string): void {
  app.get('/health', async () => {
    const c = await runs.counts();
    return { status: 'ok', version: PYPELINE_VERSION, executor, runs: { queued: c.queued, running: c.running } };
  });
}
