export interface BackoffOptions {
  /** The longest wait before the first retry (ms). @default 200 */
  initialMs?: number;
  /** No wait is longer (ms). @default 5000 */
  maxMs?: number;
  /** Uniform numbers in [0, 1); injectable so tests are exact. @default Math.random */
  random?: () => number;
}

/**
 * Delay before retry `attempt` (1-based): exponential from `initialMs`, capped at `maxMs`, with
 * "equal jitter" (half fixed, half random) so retries of many nodes or sinks do not fire in
 * lockstep. With the defaults: 100–200 ms, 200–400 ms, 400–800 ms, … up to 2.5–5 s.
 */
export function backoffMs(attempt: number, options: BackoffOptions = {}): number {
  const { initialMs = 200, maxMs = 5_000, random = Math.random } = options;
  const ceiling = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
