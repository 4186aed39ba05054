/**
 * The candidate closest to `name` by edit distance, if close enough to be a plausible typo
 * (a third of the name's length, at least 2). Case differences count as nearly free.
 */
export function suggestName(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestScore = Math.max(2, Math.floor(name.length / 3)) + 0.5;
  for (const candidate of candidates) {
    const score = candidate.toLowerCase() === name.toLowerCase() ? 0.1 : editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** Levenshtein distance with one rolling row; names are short so this is plenty. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
