/** A duration: milliseconds as a number, or text such as `500ms`, `10s`, `5m`, `1h`, `1d`. */
export type Duration = number | string;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds in `d`; throws a message naming `what` when the text is not a duration. */
export function toMs(d: Duration, what = 'duration'): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d) || d < 0) throw new Error(`${what}: ${d} is not a duration (use a non-negative number of milliseconds or text like "10s")`);
    return d;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(d);
  if (!m) throw new Error(`${what}: "${d}" is not a duration (use e.g. "500ms", "10s", "5m", "1h", "1d")`);
  return Math.round(Number(m[1]) * UNITS[m[2]]);
}

/** `90000` → `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}
