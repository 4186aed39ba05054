/** Configuration of `json_source`. */
export interface Config {
  /**
   * Path to the JSON file: JSON Lines (one object per line) or one JSON array of objects
   * @format path
   */
  file_path: string;
  /**
   * `jsonl` (one object per line), `array` (a JSON array of objects), or `auto`: an array when the file starts with `[`
   * @default "auto"
   */
  format?: 'auto' | 'jsonl' | 'array';
  /**
   * Rows read to choose the columns and their types; 0 reads the whole file before choosing
   * @asType integer
   * @default 1000
   */
  sample_rows?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { format: 'auto', sample_rows: 1000 } as const satisfies Omit<Required<Config>, 'file_path'>;
