/** Configuration of `join_mod`. */
export interface Config {
  /** Key columns of the left input; also of the right input unless right_on names them there. `[]` for `how: cross` or a join on `condition` alone */
  on: string[];
  /** Key columns of the right input, pairwise with `on`, when they are named differently */
  right_on?: string[];
  /**
   * `inner`: pairs with a match; `left`/`right`/`full`: also the unmatched rows of that side (both for `full`), the other side's columns null; `semi`/`anti`: the left rows that have / have no match, left columns only; `cross`: every left row with every right row
   * @default "inner"
   */
  how?: 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti' | 'cross';
  /**
   * Null keys equal each other (SQL `IS NOT DISTINCT FROM`); by default a null key matches nothing, as with SQL `=`
   * @default false
   */
  null_safe?: boolean;
  /**
   * A further condition a pair of rows must meet to match, over the columns of both sides named as in the output (a clashing right column with its suffix), e.g. `amount <= credit_limit and name != name_right`
   * @format expression
   */
  condition?: string;
  /**
   * Added to the name of a right column that clashes with a left one
   * @default "_right"
   */
  suffix?: string;
  /**
   * Treat the right input as a small lookup table (Talend tMap): it must fit in `lookup_max_mb`, checked while it loads and before any left row is read, or the join fails naming its size
   * @default false
   */
  lookup?: boolean;
  /**
   * The memory budget of a lookup (`lookup: true`) right side, in MB: its Arrow buffers plus the hash table
   * @default 256
   */
  lookup_max_mb?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = {
  how: 'inner',
  null_safe: false,
  suffix: '_right',
  lookup: false,
  lookup_max_mb: 256,
} as const satisfies Omit<Required<Config>, 'on' | 'right_on' | 'condition'>;
