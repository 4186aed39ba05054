const BASE_MS = 200;
const MAX_MS = 5_000;

/**
 * Delay before retry `attempt` (1-based): exponential from 200 ms, capped at 5 s, with
 * "equal jitter" (half fixed, half random) so retries of many nodes do not fire in lockstep.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
