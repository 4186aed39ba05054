import type { PypeEvent } from './events.js';
import { formatMs } from './summary.js';

/** A text Gantt chart of module attempts: one bar per node, scaled to `width` columns. */
export function renderTimeline(events: readonly PypeEvent[], width = 50): string {
  const start = events.find((e) => e.type === 'run.started')?.time ?? events[0]?.time ?? 0;
  const end = events.findLast((e) => e.type === 'run.finished')?.time ?? events.at(-1)?.time ?? start;
  const span = Math.max(1, end - start);
  const bars: { nodeId: string; from: number; to: number; mark: string }[] = [];
  const open = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'module.started') open.set(e.nodeId, e.time);
    else if (e.type === 'module.finished' || e.type === 'module.failed' || e.type === 'module.cached') {
      const from = open.get(e.nodeId) ?? e.time;
      bars.push({ nodeId: e.nodeId, from, to: e.time, mark: e.type === 'module.finished' ? '█' : e.type === 'module.cached' ? '░' : '▒' });
      open.delete(e.nodeId);
    }
  }
  const label = Math.max(6, ...bars.map((b) => b.nodeId.length));
  const col = (t: number) => Math.round(((t - start) / span) * width);
  const lines = bars.map((b) => {
    const a = col(b.from);
    const len = Math.max(1, col(b.to) - a);
    return `${b.nodeId.padEnd(label)} |${' '.repeat(a)}${b.mark.repeat(len)}${' '.repeat(Math.max(0, width - a - len))}| ${formatMs(b.to - b.from)}`;
  });
  return [`${'module'.padEnd(label)} |0${' '.repeat(width - 1 - formatMs(span).length)}${formatMs(span)}|`, ...lines, `(█ succeeded, ▒ failed attempt, ░ taken from the cache)`].join('\n');
}
