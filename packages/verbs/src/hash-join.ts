import type { RecordBatch } from 'apache-arrow';
import { KeyCodes } from './key-codes.js';

export type JoinKind = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti' | 'cross';

/**
 * Row pairs of a join: `left[k]` with `right[k]`. -1 on one side is a row without a match (the
 * other side's columns are null); semi and anti joins give left rows only (`right` all -1).
 */
export interface JoinPairs {
  left: Int32Array;
  right: Int32Array;
}

export interface JoinIndexOptions {
  /** Null keys equal each other (IS NOT DISTINCT FROM) instead of never matching (SQL `=`). */
  nullSafe?: boolean;
}

/**
 * A hash table over the keys of the build side (`right`), probed one left batch at a time, so
 * the left side can stream through it. Keys are coded by `KeyCodes` (typed arrays, no JS value
 * per row) and the right rows of each code kept contiguously (`start`/`rows`). Without keys
 * every right row matches every left row (a cross product, for cross joins and joins on a
 * condition only).
 */
export class JoinIndex {
  private readonly codes: KeyCodes | undefined;
  /** The right rows of code c are `rows[start[c]] … rows[start[c + 1] - 1]`, in right row order. */
  private readonly start: Int32Array;
  private readonly rows: Int32Array;

  constructor(
    readonly right: RecordBatch,
    private readonly rightKeys: readonly string[],
    private readonly options: JoinIndexOptions = {},
  ) {
    if (rightKeys.length === 0) {
      this.start = Int32Array.of(0, right.numRows);
      this.rows = Int32Array.from({ length: right.numRows }, (_, j) => j);
      return;
    }
    this.codes = new KeyCodes(right, rightKeys, 'right key');
    const codes = this.codes.encode(right, rightKeys, 'right key', true, this.nulls());
    const count = this.codes.size;
    this.start = new Int32Array(count + 1);
    for (let j = 0; j < codes.length; j++) if (codes[j] >= 0) this.start[codes[j] + 1]++;
    for (let c = 0; c < count; c++) this.start[c + 1] += this.start[c];
    const next = this.start.slice(0, count);
    this.rows = new Int32Array(this.start[count]);
    for (let j = 0; j < codes.length; j++) if (codes[j] >= 0) this.rows[next[codes[j]]++] = j;
  }

  private nulls(): 'value' | 'never' {
    return this.options.nullSafe ? 'value' : 'never';
  }

  /** The pairs of equal keys, in left row order (matches of one left row in right row order). */
  probe(left: RecordBatch, leftKeys: readonly string[]): JoinPairs {
    if (leftKeys.length !== this.rightKeys.length) throw new Error(`internal error in @pypeline/verbs: ${leftKeys.length} left keys for ${this.rightKeys.length} right keys`);
    const n = left.numRows;
    const codes = this.codes ? this.codes.encode(left, leftKeys, 'left key', false, this.nulls()) : new Int32Array(n);
    const { start, rows } = this;
    let total = 0;
    for (let i = 0; i < n; i++) if (codes[i] >= 0) total += start[codes[i] + 1] - start[codes[i]];
    const l = new Int32Array(total);
    const r = new Int32Array(total);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      if (c < 0) continue;
      for (let m = start[c]; m < start[c + 1]; m++) {
        l[k] = i;
        r[k++] = rows[m];
      }
    }
    return { left: l, right: r };
  }
}

/**
 * The output pairs of one left batch of `leftRows` rows, from its candidate pairs (equal keys)
 * and which of them the residual condition kept (`keep`, all when null), by the join kind.
 * Right rows that found a match are marked in `rightMatched`, for `unmatchedRight` at the end.
 */
export function resolvePairs(candidates: JoinPairs, keep: Uint8Array | null, leftRows: number, kind: JoinKind, rightMatched?: Uint8Array): JoinPairs {
  const n = candidates.left.length;
  const kept = (k: number) => keep === null || keep[k] === 1;
  if (rightMatched) for (let k = 0; k < n; k++) if (kept(k)) rightMatched[candidates.right[k]] = 1;
  if (kind === 'inner' || kind === 'cross' || kind === 'right') return keep === null ? candidates : pick(candidates, kept);
  const matched = new Uint8Array(leftRows);
  for (let k = 0; k < n; k++) if (kept(k)) matched[candidates.left[k]] = 1;
  if (kind === 'semi' || kind === 'anti') {
    const want = kind === 'semi' ? 1 : 0;
    const rows: number[] = [];
    for (let i = 0; i < leftRows; i++) if (matched[i] === want) rows.push(i);
    return { left: Int32Array.from(rows), right: new Int32Array(rows.length).fill(-1) };
  }
  // left and full: every left row, those without a kept pair once with -1, in left order.
  const l: number[] = [];
  const r: number[] = [];
  let k = 0;
  for (let i = 0; i < leftRows; i++) {
    if (matched[i] === 0) {
      l.push(i);
      r.push(-1);
    }
    for (; k < n && candidates.left[k] === i; k++) {
      if (!kept(k)) continue;
      l.push(i);
      r.push(candidates.right[k]);
    }
  }
  return { left: Int32Array.from(l), right: Int32Array.from(r) };
}

/** The right rows never matched (right and full joins), paired with -1, in right order. */
export function unmatchedRight(rightMatched: Uint8Array): JoinPairs {
  const rows: number[] = [];
  for (let j = 0; j < rightMatched.length; j++) if (rightMatched[j] === 0) rows.push(j);
  return { left: new Int32Array(rows.length).fill(-1), right: Int32Array.from(rows) };
}

/** Whether the join kind keeps right rows without a match. */
export const keepsUnmatchedRight = (kind: JoinKind): boolean => kind === 'right' || kind === 'full';

function pick(pairs: JoinPairs, kept: (k: number) => boolean): JoinPairs {
  const l: number[] = [];
  const r: number[] = [];
  for (let k = 0; k < pairs.left.length; k++) {
    if (!kept(k)) continue;
    l.push(pairs.left[k]);
    r.push(pairs.right[k]);
  }
  return { left: Int32Array.from(l), right: Int32Array.from(r) };
}

/**
 * Pairs the rows of `left` and `right` of one join kind in one call (both sides in memory):
 * left row order, right matches in right row order, unmatched right rows last.
 */
export function hashJoin(left: RecordBatch, right: RecordBatch, leftKeys: readonly string[], rightKeys: readonly string[], kind: JoinKind, options: JoinIndexOptions = {}): JoinPairs {
  const index = new JoinIndex(right, rightKeys, options);
  const rightMatched = keepsUnmatchedRight(kind) ? new Uint8Array(right.numRows) : undefined;
  const pairs = resolvePairs(index.probe(left, leftKeys), null, left.numRows, kind, rightMatched);
  if (!rightMatched) return pairs;
  const rest = unmatchedRight(rightMatched);
  const cat = (a: Int32Array, b: Int32Array) => {
    const out = new Int32Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  return { left: cat(pairs.left, rest.left), right: cat(pairs.right, rest.right) };
}
