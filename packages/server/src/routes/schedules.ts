import type { FastifyInstance } from 'fastify';
import type { TriggerEngine } from '../triggers/trigger-engine.js';

/**
 * GET /schedules: every trigger of the served jobs, with its next tick (cron) and its newest
 * fire and the run that fire started.
 */
export function schedulesRoute(app: FastifyInstance, triggers: TriggerEngine): void {
  app.get('/schedules', async () => ({ schedules: await triggers.schedules() }));
}
