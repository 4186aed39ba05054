/** Configuration of `sort_mod`. */
export interface Config {
  /** Sort keys, most significant first: a column name, optionally followed by `asc` or `desc`, e.g. ["country", "amount desc"] */
  by: string[];
  /**
   * Where null values go, whatever the direction
   * @default "last"
   */
  nulls?: 'first' | 'last';
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { nulls: 'last' } as const satisfies Omit<Required<Config>, 'by'>;
