import type { FastifyInstance } from 'fastify';
import type { PypeEvent } from '@pypeline/core';
import type { RunRegistry } from '../run-registry.js';
import { findRun } from './run-status.js';

/**
 * GET /runs/:id/events: Server-Sent Events. Each engine event is one message (`id` = its
 * index, `event` = its type, `data` = the event as JSON), past ones first; `Last-Event-ID`
 * resumes after a reconnect. A final `end` message carries the run's status; a stream that
 * closes without one (the server shut down first) is to be reconnected.
 */
export function runEventsRoute(app: FastifyInstance, runs: RunRegistry, heartbeatMs = 15_000): void {
  app.get<{ Params: { id: string } }>('/runs/:id/events', async (request, reply) => {
    const run = await findRun(runs, request.params.id);
    const from = Number(request.headers['last-event-id'] ?? -1) + 1;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let next = Number.isInteger(from) && from > 0 ? from : 0;
    const send = (e: PypeEvent) => res.write(`id: ${next++}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    const end = () => {
      res.write(`event: end\ndata: ${JSON.stringify({ id: run.id, status: run.status, runId: run.runId })}\n\n`);
      res.end();
    };
    for (const e of run.events.slice(next)) send(e);
    if (run.finishedAt) return end();
    const heartbeat = setInterval(() => res.write(': still running\n\n'), heartbeatMs);
    const unwatch = runs.watch(run.id, (e) => {
      if (e) return void send(e);
      clearInterval(heartbeat);
      end();
    });
    // The server is shutting down with the run unfinished: end the stream without `end`, so the
    // client reconnects (Last-Event-ID) to the restarted server, which goes on with the run.
    const undetach = runs.onDetach(() => res.end());
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      unwatch();
      undetach();
    });
  });
}
