import { closest, distance } from 'fastest-levenshtein';

/** The closest candidate when it is near enough to be a plausible typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word.toLowerCase(), candidates.map((c) => c.toLowerCase()));
  const limit = Math.max(2, Math.floor(word.length / 3));
  if (distance(word.toLowerCase(), best) > limit) return undefined;
  return candidates.find((c) => c.toLowerCase() === best);
}

export function suggestion(word: string, candidates: readonly string[]): string {
  const hit = didYouMean(word, candidates);
  return hit ? ` Did you mean "${hit}"?` : '';
}
