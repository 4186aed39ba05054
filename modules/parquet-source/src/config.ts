/** Configuration of `parquet_source`. */
export interface Config {
  /**
   * Path of the Parquet file to read
   * @format path
   */
  file_path: string;
  /**
   * Columns to read, in this order; only their bytes are read from the file. Empty reads every column
   * @default []
   */
  columns?: string[];
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = {
  columns: [] as string[],
} satisfies Omit<Required<Config>, 'file_path'>;
