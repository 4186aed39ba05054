/** Positions of a uniform sample of `n` of `total` rows (Algorithm R), sorted. */
export function reservoir(total: number, n: number, random: () => number): Uint32Array {
  const kept = new Uint32Array(Math.min(n, total));
  for (let i = 0; i < total; i++) {
    if (i < kept.length) kept[i] = i;
    else {
      const j = Math.floor(random() * (i + 1));
      if (j < kept.length) kept[j] = i;
    }
  }
  return kept.sort();
}
