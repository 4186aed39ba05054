import { formatMs } from '../format.js';
import type { RunState } from '../live/run-state.js';

/**
 * A Gantt chart of the run: one lane per sub flow (its span), one per module node (each attempt a
 * bar: retried attempts hatched, failures red), skipped modules marked at the end.
 */
export function Timeline({ run, now }: { run: RunState; now: number }) {
  const start = run.start ?? run.segments[0]?.start;
  if (start === undefined || (!run.segments.length && !run.subflows.length)) return <p class="muted">No module has run yet.</p>;
  const end = Math.max(run.end ?? now, ...run.segments.map((s) => s.end ?? now), start + 1);
  const span = end - start;
  const lanes: Array<{ key: string; label: string; sub: boolean; bars: Array<{ from: number; to: number; cls: string; title: string }> }> = [];
  for (const sf of run.subflows) {
    const lane = { key: `sf:${sf.id}`, label: sf.id, sub: true, bars: [{ from: sf.start, to: sf.end ?? now, cls: `sf-${sf.status}`, title: `${sf.id}: ${sf.status}, ${formatMs((sf.end ?? now) - sf.start)}` }] };
    lanes.push(lane);
    const ids = [...new Set(run.segments.filter((s) => s.start >= sf.start && (sf.end === undefined || s.start <= sf.end)).map((s) => s.nodeId))];
    for (const id of ids) lanes.push(nodeLane(run, id, now));
  }
  const shown = new Set(lanes.map((l) => l.key));
  for (const id of new Set(run.segments.map((s) => s.nodeId))) if (!shown.has(id)) lanes.push(nodeLane(run, id, now));
  const skipped = [...run.nodes.values()].filter((n) => n.state === 'skipped');
  const pct = (t: number) => `${(((t - start) / span) * 100).toFixed(3)}%`;
  const width = (a: number, b: number) => `${Math.max(0.4, ((b - a) / span) * 100).toFixed(3)}%`;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div class="timeline" data-testid="timeline">
      <div class="tl-row tl-axis">
        <div class="tl-label" />
        <div class="tl-track">{ticks.map((t) => <span style={{ left: `${t * 100}%` }}>{formatMs(t * span)}</span>)}</div>
      </div>
      {lanes.map((l) => (
        <div class={`tl-row${l.sub ? ' tl-sub' : ''}`} key={l.key}>
          <div class="tl-label mono" title={l.label}>{l.label}</div>
          <div class="tl-track">
            {l.bars.map((b) => <div class={`tl-bar ${b.cls}`} style={{ left: pct(b.from), width: width(b.from, b.to) }} title={b.title} />)}
          </div>
        </div>
      ))}
      {skipped.map((n) => (
        <div class="tl-row" key={`skip:${n.moduleId}`}>
          <div class="tl-label mono">{n.moduleId}</div>
          <div class="tl-track"><span class="tl-skip">skipped{n.reason ? `: ${n.reason}` : ''}</span></div>
        </div>
      ))}
    </div>
  );
}

function nodeLane(run: RunState, nodeId: string, now: number) {
  const bars = run.segments
    .filter((s) => s.nodeId === nodeId)
    .map((s) => ({ from: s.start, to: s.end ?? now, cls: `seg-${s.outcome}`, title: `${nodeId} attempt ${s.attempt}: ${s.outcome}, ${formatMs((s.end ?? now) - s.start)}` }));
  // `load#0` is the module's only frame: shown as `load`; iterations keep their frame (`load#0.2`).
  return { key: nodeId, label: nodeId.replace(/#0$/, ''), sub: false, bars };
}
