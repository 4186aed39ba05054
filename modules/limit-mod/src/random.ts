/**
 * A seeded generator of uniform numbers in [0, 1) (mulberry32): small, fast, and the same
 * sequence for the same seed on every platform, so a sample is reproducible.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
