import { INFERENCE_ORDER, NOT_A_VALUE, parseAs, type ColumnKind } from './column-kinds.js';

/**
 * The narrowest kind every non-empty sample value parses as. A column with no values in
 * the sample is text, the only kind no later value can fail.
 */
export function inferColumnKind(values: Iterable<string>): ColumnKind {
  const candidates = new Set<ColumnKind>(INFERENCE_ORDER);
  let seen = false;
  for (const text of values) {
    if (text === '') continue;
    seen = true;
    for (const kind of candidates) {
      if (kind !== 'utf8' && parseAs(kind, text) === NOT_A_VALUE) candidates.delete(kind);
    }
    if (candidates.size === 1) break;
  }
  if (!seen) return 'utf8';
  return INFERENCE_ORDER.find((kind) => candidates.has(kind))!;
}
