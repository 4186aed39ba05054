/** Configuration of `sort_mod`. */
export interface Config {
  /**
   * Sort keys, most significant first: a column name, optionally followed by `asc` or `desc`
   * and then by `nulls first` or `nulls last` (which overrides `nulls` for that key), e.g.
   * ["country", "amount desc nulls last"]
   */
  by: string[];
  /**
   * Where null values go for keys that do not say (`nulls first`/`nulls last` on a key wins), whatever the direction
   * @default "last"
   */
  nulls?: 'first' | 'last';
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { nulls: 'last' } as const satisfies Omit<Required<Config>, 'by'>;
