/** The stream apps `pype serve` finds on its machine (see packages/server/src/routes/streams.ts). */
import { call } from '../api.js';

/** `gone`: the app's metrics say it runs, but its process has ended (killed or crashed). */
export type StreamStatus = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed' | 'gone';

export interface StreamSummary {
  id: string;
  app: string;
  stateDir: string;
  status: StreamStatus;
  pid: number;
  startedAt: number;
  updatedAt?: number;
  checkpoint?: { id: number; time: number; durationMs: number };
  error?: string;
  operators: number;
  rows: number;
  rowsPerSec: number;
}

/** One operator of a running app, as `pype inspect` shows it. */
export interface StreamNode {
  id: string;
  kind: 'source' | 'operator' | 'sink';
  type: string;
  /** Upstream node ids; `id.late` is a window's late output. */
  inputs: string[];
  rowsIn: number;
  rowsOut: number;
  rowsPerSec: number;
  lateRows: number;
  /** Event-time watermark (epoch ms); null before the first, Number.MAX_SAFE_INTEGER once the source ended. */
  watermark: number | null;
  /** Sources that can tell: how far behind the end of their input they are (messages). */
  lag?: number;
  stateEntries: number;
}

export interface StreamDetail extends StreamSummary {
  nodes: StreamNode[];
}

export const streamsApi = {
  list: () => call<{ streams: StreamSummary[]; dir: string }>('GET', '/streams'),
  get: (id: string) => call<StreamDetail>('GET', `/streams/${encodeURIComponent(id)}`),
};

/** Whether the app's process still works (its figures move). */
export function isLive(status: StreamStatus): boolean {
  return status === 'starting' || status === 'running' || status === 'stopping';
}
