/** Configuration of `union_mod`. */
export interface Config {
  /**
   * Match columns by name (SQL `UNION ALL BY NAME`): the output has every column of every input, in the order they first appear, and a column an input lacks is null in its rows. `false` matches by position (SQL `UNION ALL`): every input needs the same number of columns, and the first input names them
   * @default true
   */
  by_name?: boolean;
  /**
   * Keep one of each set of equal rows (SQL `UNION`, nulls equal): the first in input order when the rows fit in `settings.spill.memory_budget`, else the rows are hash-partitioned to disk and deduplicated partition by partition (output order then goes by partition). By default every row is kept (`UNION ALL`) and batches stream through
   * @default false
   */
  distinct?: boolean;
}

/** The defaults above as values; the conformance test keeps them equal to the generated manifest's. */
export const DEFAULTS = {
  by_name: true,
  distinct: false,
} as const satisfies Required<Config>;
