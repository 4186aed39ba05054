import type { FastifyInstance } from 'fastify';
import { findApp, listApps, streamAppsDir, type AnnouncedApp } from '@pypeline/stream/apps';
import { HttpError } from '../http-error.js';

/** A stream app as GET /streams lists it. */
export interface StreamSummary {
  id: string;
  app: string;
  stateDir: string;
  /** `gone`: its metrics say it runs, but its process has ended (killed or crashed). */
  status: AnnouncedApp['status'];
  pid: number;
  startedAt: number;
  /** When its metrics were last written (every second while it runs). */
  updatedAt?: number;
  checkpoint?: { id: number; time: number; durationMs: number };
  error?: string;
  operators: number;
  /** Rows its sources read, in all and per second (0 unless it runs). */
  rows: number;
  rowsPerSec: number;
}

type Node = NonNullable<AnnouncedApp['metrics']>['nodes'][number];

/** GET /streams/:id: the summary and each operator of the topology with its live figures. */
export interface StreamDetail extends StreamSummary {
  nodes: Node[];
}

/**
 * GET /streams: the stream apps run on this machine (by this user) that announced themselves,
 * whatever folder they run in, the latest first. GET /streams/:id: one app's topology and
 * figures, what `pype inspect` shows; the console polls it.
 */
export function streamsRoutes(app: FastifyInstance): void {
  app.get('/streams', async () => ({ streams: listApps().map((a) => summary(a)), dir: streamAppsDir() }));

  app.get<{ Params: { id: string } }>('/streams/:id', async (request): Promise<StreamDetail> => {
    const found = findApp(request.params.id);
    if (!found) {
      throw new HttpError(404, `no stream app ${request.params.id} on this machine`, {
        hint: `stream apps are listed by GET /streams once started (pype run <app>); one whose state folder was deleted is forgotten`,
      });
    }
    const running = found.status === 'running';
    return { ...summary(found), nodes: (found.metrics?.nodes ?? []).map((n) => ({ ...n, rowsPerSec: running ? n.rowsPerSec : 0 })) };
  });
}

function summary(a: AnnouncedApp): StreamSummary {
  const m = a.metrics;
  const sources = (m?.nodes ?? []).filter((n) => n.kind === 'source');
  return {
    id: a.id, app: a.app, stateDir: a.stateDir, status: a.status, pid: m?.pid ?? a.pid, startedAt: m?.startedAt ?? a.startedAt,
    ...(m ? { updatedAt: m.updatedAt } : {}),
    ...(m?.checkpoint ? { checkpoint: m.checkpoint } : {}),
    ...(m?.error ? { error: m.error } : {}),
    operators: m?.nodes.length ?? 0,
    rows: sources.reduce((s, n) => s + n.rowsOut, 0),
    rowsPerSec: a.status === 'running' ? sources.reduce((s, n) => s + n.rowsPerSec, 0) : 0,
  };
}
