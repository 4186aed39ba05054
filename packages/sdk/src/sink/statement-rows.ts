/**
 * How many rows one multi-row `INSERT … VALUES (…), (…)` may carry: `batchSize`, but never more
 * than the database's limit on parameters per statement allows for rows `width` columns wide.
 */
export function rowsPerStatement(batchSize: number, width: number, maxParams: number): number {
  return Math.max(1, Math.min(batchSize, Math.floor(maxParams / Math.max(1, width))));
}

/** `(?, ?), (?, ?)`-style placeholder tuples for `rows` rows of `width` columns; `mark(n)` writes the n-th (from 0). */
export function valuesTuples(rows: number, width: number, mark: (n: number) => string): string {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < width; c++) cells.push(mark(r * width + c));
    tuples.push(`(${cells.join(', ')})`);
  }
  return tuples.join(', ');
}
