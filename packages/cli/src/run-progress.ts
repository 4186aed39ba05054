import { formatBytes, formatMs, type PypeEvent } from '@pypeline/core';
import { consoleReporter } from './console-reporter.js';

/** What the terminal knows of one running module. */
interface Running {
  nodeId: string;
  started: number;
  rows: number;
  bytes?: number;
  totalBytes?: number;
  /** Rows per second, smoothed over the progress events. */
  rate?: number;
  last: { time: number; rows: number };
  /** When a plain progress line was last written for it. */
  printed: number;
}

/**
 * The modules running now and how far each has got, from the run's events (`module.started`,
 * `module.progress`, and the events that end an attempt).
 */
export class ProgressBoard {
  private readonly running = new Map<string, Running>();

  onEvent(e: PypeEvent): void {
    if (e.type === 'module.started') this.running.set(e.nodeId, { nodeId: e.nodeId, started: e.time, rows: 0, last: { time: e.time, rows: 0 }, printed: e.time });
    else if (e.type === 'module.progress') {
      const r = this.running.get(e.nodeId);
      if (!r) return;
      const dt = e.time - r.last.time;
      if (dt > 0) {
        const now = ((e.rows - r.last.rows) * 1000) / dt;
        r.rate = r.rate === undefined ? now : 0.6 * now + 0.4 * r.rate;
      }
      r.rows = e.rows;
      r.bytes = e.bytes ?? r.bytes;
      r.totalBytes = e.totalBytes ?? r.totalBytes;
      r.last = { time: e.time, rows: e.rows };
    } else if (e.type === 'module.finished' || e.type === 'module.failed' || e.type === 'module.skipped' || e.type === 'module.cached') this.running.delete(e.nodeId);
    else if (e.type === 'run.finished') this.running.clear();
  }

  get size(): number {
    return this.running.size;
  }

  /** One line per running module: rows, rows/s, and for a file source bytes read of the total with an ETA. */
  lines(now: number, mark = '…'): string[] {
    return [...this.running.values()].map((r) => `  ${mark} ${r.nodeId.padEnd(24)} ${describe(r, now)}`);
  }

  /** Plain-line mode: the modules due a line (none more often than every `everyMs`), marked as printed. */
  due(now: number, everyMs: number): string[] {
    const due = [...this.running.values()].filter((r) => r.rows > 0 && now - r.printed >= everyMs);
    for (const r of due) r.printed = now;
    return due.map((r) => `  … ${r.nodeId.padEnd(24)} ${describe(r, now)}`);
  }
}

function describe(r: Running, now: number): string {
  const parts = [`${formatMs(now - r.started).padStart(9)}`];
  if (r.rows > 0) parts.push(`${formatCount(r.rows)} rows`);
  if (r.rate !== undefined && r.rate > 0) parts.push(`${formatCount(r.rate)} rows/s`);
  if (r.totalBytes && r.bytes !== undefined) {
    const share = Math.min(1, r.bytes / r.totalBytes);
    parts.push(`${formatBytes(r.bytes)} of ${formatBytes(r.totalBytes)} (${Math.floor(share * 100)}%)`);
    const elapsed = r.last.time - r.started;
    if (r.bytes > 0 && share < 1 && elapsed > 0) parts.push(`ETA ${formatMs(((r.totalBytes - r.bytes) * elapsed) / r.bytes)}`);
  }
  return parts.join('  ');
}

/** 1234 → `1,234`; 12_345_678 → `12.3 M`. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e7) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  return Math.round(n).toLocaleString('en-US');
}

/** A terminal with a size (a pty without one, e.g. under `script` with no terminal, cannot redraw in place). */
export function canRedraw(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && stream.rows > 0 && stream.columns > 0;
}

/**
 * `pype run` into a pipe or a file: the usual lines, and for a module that runs long a plain
 * progress line at most every `everyMs` (default 10 s), so a long run is never silent.
 */
export function plainReporter(write: (line: string) => void, verbose = false, everyMs = 10_000): (e: PypeEvent) => void {
  const board = new ProgressBoard();
  const lines = consoleReporter(write, verbose);
  return (e) => {
    board.onEvent(e);
    lines(e);
    if (e.type === 'module.progress') for (const line of board.due(e.time, everyMs)) write(line);
  };
}
