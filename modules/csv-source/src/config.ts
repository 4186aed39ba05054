/** Configuration of `csv_source`. */
export interface Config {
  /** Path to CSV file */
  file_path: string;
  /**
   * File encoding
   * @default "utf-8"
   */
  encoding?: 'utf-8' | 'latin1';
  /**
   * Field delimiter
   * @default ","
   */
  delimiter?: string;
  /**
   * Whether the first line holds the column names; when false, columns are named column_1, column_2, ...
   * @default true
   */
  header?: boolean;
  /**
   * Quote character around fields that contain delimiters, quotes or line breaks
   * @default "\""
   */
  quote?: string;
  /**
   * Rows read to infer each column's type; 0 reads the whole file before choosing
   * @asType integer
   * @default 1000
   */
  sample_rows?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = {
  encoding: 'utf-8',
  delimiter: ',',
  header: true,
  quote: '"',
  sample_rows: 1000,
} as const satisfies Omit<Required<Config>, 'file_path'>;
