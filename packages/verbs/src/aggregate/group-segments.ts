/**
 * `rows` reordered group by group, keeping input order inside each group (a counting sort):
 * the rows of group g are `order[start[g]] … order[start[g + 1] - 1]`.
 */
export interface Segments {
  start: Uint32Array;
  order: Uint32Array;
}

export function groupSegments(groupOf: Uint32Array, count: number, rows: Uint32Array): Segments {
  const start = new Uint32Array(count + 1);
  for (let k = 0; k < rows.length; k++) start[groupOf[rows[k]] + 1]++;
  for (let g = 0; g < count; g++) start[g + 1] += start[g];
  const next = start.slice(0, count);
  const order = new Uint32Array(rows.length);
  for (let k = 0; k < rows.length; k++) order[next[groupOf[rows[k]]]++] = rows[k];
  return { start, order };
}
