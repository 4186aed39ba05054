import { resolve } from 'node:path';
import { formatTable, PypeError } from '@pypeline/core';
import type { MetricsFile, RunStreamOptions, StreamApp, StreamLogger, NodeMetrics } from '@pypeline/stream';
import { sayOnStderr, stopOnSignals } from './stop-on-signals.js';

export interface StreamRunCliOptions {
  stateDir?: string;
  checkpointInterval?: string;
  json?: boolean;
  verbose?: boolean;
  /** Seconds between progress lines (default 10; 0 = none). */
  progress?: string;
}

/** Where an app keeps its state unless told: `.pype-stream/<app>` in the working directory. */
export function defaultStateDir(appName: string): string {
  return resolve('.pype-stream', appName);
}

const fmt = (n: number) => n.toLocaleString('en-US');
const when = (wm: number | null) => (wm === null ? '—' : wm >= Number.MAX_SAFE_INTEGER ? 'end' : new Date(wm).toISOString());

/** A table of node metrics, shared by the run summary and `pype inspect`. */
export function renderNodes(nodes: Array<NodeMetrics & { rowsPerSec?: number; lag?: number }>): string {
  const head = ['node', 'type', 'from', 'rows in', 'rows out', 'rows/s', 'late', 'state', 'lag', 'watermark'];
  const rows = nodes.map((n) => [
    n.id, n.type, n.inputs.join(', ') || '—', n.kind === 'source' ? '—' : fmt(n.rowsIn), n.kind === 'sink' ? '—' : fmt(n.rowsOut),
    n.rowsPerSec === undefined ? '—' : fmt(n.rowsPerSec), n.lateRows ? fmt(n.lateRows) : '0', fmt(n.stateEntries), n.lag === undefined ? '—' : fmt(n.lag), when(n.watermark),
  ]);
  return formatTable(head, rows);
}

/**
 * Runs a stream app in the foreground until its sources end or Ctrl-C / SIGTERM, which takes a
 * final checkpoint and stops cleanly (exit 0). A second signal exits at once; the last
 * checkpoint is then still intact. `hooks` pass runStream options no flag sets (a test's
 * checkpoint-phase hook).
 */
export async function runStreamAppCli(label: string, app: StreamApp, opts: StreamRunCliOptions, hooks: Pick<RunStreamOptions, 'onCheckpointPhase'> = {}): Promise<number> {
  const { runStream, StreamRunError } = await import('@pypeline/stream');
  const stateDir = resolve(opts.stateDir ?? defaultStateDir(app.name));
  const out = (line: string) => process.stderr.write(`${line}\n`);
  const log: StreamLogger = (level, message, fields) => {
    if (level === 'debug' && !opts.verbose) return;
    if (opts.json) process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, app: app.name, message, ...fields })}\n`);
    else out(`${level === 'error' ? '✗' : level === 'warn' ? '!' : '·'} ${message}`);
  };
  const progressEvery = Number(opts.progress ?? 10) * 1000;
  let lastProgress = Date.now();
  const onMetrics = (m: MetricsFile) => {
    if (opts.json || progressEvery <= 0 || Date.now() - lastProgress < progressEvery) return;
    lastProgress = Date.now();
    const sources = m.nodes.filter((n) => n.kind === 'source');
    const sinks = m.nodes.filter((n) => n.kind === 'sink');
    const read = sources.reduce((a, n) => a + n.rowsOut, 0);
    const rate = sources.reduce((a, n) => a + n.rowsPerSec, 0);
    const written = sinks.reduce((a, n) => a + n.rowsIn, 0);
    out(`· ${fmt(read)} rows read (${fmt(rate)}/s), ${fmt(written)} written${m.checkpoint ? `, checkpoint ${m.checkpoint.id}` : ''}`);
  };
  if (!opts.json) out(`▶ stream app ${app.name} (${label}), state in ${stateDir}`);
  const signals = stopOnSignals({ say: sayOnStderr, stopping: 'taking a final checkpoint and stopping', keeps: 'the last checkpoint stays intact' });
  const started = Date.now();
  try {
    const result = await runStream(app, { ...hooks, stateDir, checkpointInterval: opts.checkpointInterval, signal: signals.signal, log, onMetrics });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', app: app.name, message: 'stopped', ...result })}\n`);
    } else {
      out('');
      out(renderNodes(result.metrics));
      out('');
      const why = result.reason === 'ended' ? 'every source ended' : 'stopped';
      out(`✓ ${why} after ${((Date.now() - started) / 1000).toFixed(1)} s; checkpoint ${result.lastCheckpoint ?? '—'} stored in ${stateDir}`);
      if (result.reason === 'stopped') out(`  resume with the same command; it continues from that checkpoint`);
    }
    return 0;
  } catch (e) {
    if (e instanceof StreamRunError || (e instanceof Error && !(e instanceof PypeError) && !(e instanceof TypeError) && !(e instanceof ReferenceError))) {
      throw new PypeError(`stream app ${app.name} failed: ${e.message}`, { hint: `fix the cause and run again: it resumes from the last checkpoint in ${stateDir}`, cause: e });
    }
    throw e;
  } finally {
    signals.dispose();
  }
}
