/** Configuration of `join_mod`. */
export interface Config {
  /** Key columns of the left input; also of the right input unless right_on names them there */
  on: string[];
  /** Key columns of the right input, pairwise with `on`, when they are named differently */
  right_on?: string[];
  /**
   * `inner` keeps only rows with a match; `left` keeps every left row, with nulls in the right columns when nothing matches
   * @default "inner"
   */
  how?: 'inner' | 'left';
  /**
   * Added to the name of a right column that clashes with a left one
   * @default "_right"
   */
  suffix?: string;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { how: 'inner', suffix: '_right' } as const satisfies Omit<Required<Config>, 'on' | 'right_on'>;
