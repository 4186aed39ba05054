import { formatTable } from '../format/format-table.js';
import type { PypeEvent } from './events.js';

export interface ModuleSummary {
  nodeId: string;
  name: string;
  status: 'success' | 'failed' | 'skipped' | 'restored' | 'cached' | 'not run';
  durationMs: number;
  rowsIn: number;
  rowsOut: number;
  attempts: number;
  error?: string;
  hint?: string;
  /** A remark for the table, e.g. the cache key of a cached module. */
  note?: string;
}

/** One row per module, in the order modules started (then the ones that never did). */
export function summarize(events: readonly PypeEvent[], nodeIds: readonly string[] = []): ModuleSummary[] {
  const rows = new Map<string, ModuleSummary>();
  const row = (nodeId: string, name: string): ModuleSummary => {
    let r = rows.get(nodeId);
    if (!r) rows.set(nodeId, (r = { nodeId, name, status: 'not run', durationMs: 0, rowsIn: 0, rowsOut: 0, attempts: 0 }));
    return r;
  };
  for (const e of events) {
    if (e.type === 'module.started') row(e.nodeId, e.name).attempts = e.attempt;
    else if (e.type === 'module.finished') Object.assign(row(e.nodeId, e.name), { status: 'success', durationMs: e.durationMs, rowsIn: e.rowsIn, rowsOut: e.rowsOut, attempts: e.attempts });
    else if (e.type === 'module.failed' && !e.willRetry) Object.assign(row(e.nodeId, e.name), { status: 'failed', durationMs: e.durationMs, error: e.error, hint: e.hint });
    else if (e.type === 'module.cached') Object.assign(row(e.nodeId, e.name), { status: 'cached', durationMs: e.durationMs, rowsIn: e.rowsIn, rowsOut: e.rowsOut, error: undefined, note: `cache ${e.key.slice(0, 12)}` });
    else if (e.type === 'module.skipped') Object.assign(row(e.nodeId, e.name), { status: 'skipped', error: e.reason });
    else if (e.type === 'subflow.restored') for (const m of e.modules) Object.assign(row(`${m}#${e.frame}`, ''), { status: 'restored', error: 'completed before; restored from the checkpoint' });
  }
  for (const id of nodeIds) if (![...rows.keys()].some((k) => k.split('#')[0] === id)) row(`${id}#0`, '');
  return [...rows.values()];
}

/** The end-of-run table. */
export function renderSummary(events: readonly PypeEvent[], nodeIds: readonly string[] = []): string {
  const rows = summarize(events, nodeIds);
  const header = ['module', 'status', 'time', 'rows in', 'rows out', 'note'];
  const body = rows.map((r) => [
    r.nodeId,
    r.status,
    r.status === 'success' || r.status === 'failed' || r.status === 'cached' ? formatMs(r.durationMs) : '',
    r.status === 'success' || r.status === 'cached' ? String(r.rowsIn) : '',
    r.status === 'success' || r.status === 'cached' ? String(r.rowsOut) : '',
    r.error ? truncate(r.error.split('\n')[0], 70) : r.note ? r.note : r.attempts > 1 ? `${r.attempts} attempts` : '',
  ]);
  return formatTable(header, body, { align: ['left', 'left', 'left', 'right', 'right'] });
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
