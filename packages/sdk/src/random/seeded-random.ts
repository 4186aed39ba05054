/**
 * A seeded generator of numbers in [0, 1) (mulberry32): the same sequence for the same seed on
 * every machine, so generated test data is identical everywhere and a failure found with a random
 * seed can be replayed from it.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
