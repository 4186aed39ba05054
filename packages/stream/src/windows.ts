import { toMs, type Duration } from './duration.js';

/** A window over event time: `[start, end)` in epoch milliseconds. */
export interface TimeWindow { start: number; end: number }

export type WindowSpec =
  | { kind: 'tumbling'; size: number; offset: number }
  | { kind: 'sliding'; size: number; slide: number; offset: number }
  | { kind: 'session'; gap: number };

/** Fixed, non-overlapping windows of `size`: `[0,size)`, `[size,2size)`, … shifted by `offset`. */
export function tumbling(size: Duration, options: { offset?: Duration } = {}): WindowSpec {
  const s = toMs(size, 'tumbling window size');
  if (s <= 0) throw new Error('tumbling window size must be greater than 0');
  return { kind: 'tumbling', size: s, offset: toMs(options.offset ?? 0, 'window offset') % s };
}

/** Overlapping windows of `size` starting every `slide`; each event falls in size/slide windows. */
export function sliding(size: Duration, slide: Duration, options: { offset?: Duration } = {}): WindowSpec {
  const s = toMs(size, 'sliding window size');
  const sl = toMs(slide, 'sliding window slide');
  if (s <= 0 || sl <= 0) throw new Error('sliding window size and slide must be greater than 0');
  if (sl > s) throw new Error(`sliding window slide (${sl} ms) is larger than its size (${s} ms): events between windows would be dropped; use tumbling() or a smaller slide`);
  return { kind: 'sliding', size: s, slide: sl, offset: toMs(options.offset ?? 0, 'window offset') % sl };
}

/** Per-key windows that close after `gap` without events; overlapping sessions merge. */
export function session(gap: Duration): WindowSpec {
  const g = toMs(gap, 'session gap');
  if (g <= 0) throw new Error('session gap must be greater than 0');
  return { kind: 'session', gap: g };
}

/** Start of the window of `size` (aligned to `offset`) containing `t`. */
export function windowStart(t: number, size: number, offset: number): number {
  return t - ((((t - offset) % size) + size) % size);
}

/**
 * The windows containing `t`, earliest first. For sessions, the proto-window `[t, t+gap)` that
 * the operator then merges with the key's open sessions.
 */
export function assignWindows(spec: WindowSpec, t: number, out: TimeWindow[] = []): TimeWindow[] {
  out.length = 0;
  switch (spec.kind) {
    case 'tumbling': {
      const start = windowStart(t, spec.size, spec.offset);
      out.push({ start, end: start + spec.size });
      break;
    }
    case 'sliding': {
      const last = windowStart(t, spec.slide, spec.offset);
      for (let start = last - spec.size + spec.slide; start <= last; start += spec.slide) {
        if (start + spec.size > t) out.push({ start, end: start + spec.size });
      }
      break;
    }
    case 'session':
      out.push({ start: t, end: t + spec.gap });
      break;
  }
  return out;
}

export function describeWindow(spec: WindowSpec): string {
  switch (spec.kind) {
    case 'tumbling': return `tumbling ${spec.size} ms`;
    case 'sliding': return `sliding ${spec.size} ms every ${spec.slide} ms`;
    case 'session': return `session gap ${spec.gap} ms`;
  }
}
