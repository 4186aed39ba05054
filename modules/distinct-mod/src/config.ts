/** Configuration of `distinct_mod`. */
export interface Config {
  /** Columns that make a row a duplicate; leave out to compare whole rows (SQL SELECT DISTINCT) */
  keys?: string[];
  /**
   * Which row of each set of duplicates to keep, in input order
   * @default "first"
   */
  keep?: 'first' | 'last';
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { keep: 'first' } as const satisfies Omit<Required<Config>, 'keys'>;
