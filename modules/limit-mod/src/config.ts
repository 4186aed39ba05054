/** Configuration of `limit_mod`. Set `limit`/`offset`, or one of `sample_rows` and `sample_fraction`. */
export interface Config {
  /** Keep at most this many rows (after `offset`); upstream reading stops once they are out */
  limit?: number;
  /**
   * Skip this many rows first
   * @default 0
   */
  offset?: number;
  /** A uniform random sample of exactly this many rows (all rows when there are fewer), in input order (reservoir sampling) */
  sample_rows?: number;
  /** Keep each row with this probability (0 to 1), streaming */
  sample_fraction?: number;
  /**
   * Seed of the sampling: the same seed and input give the same sample
   * @default 42
   */
  seed?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { offset: 0, seed: 42 } as const satisfies Partial<Config>;
