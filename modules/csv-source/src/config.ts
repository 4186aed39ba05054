/** A column type `schema` can set (the types inference chooses from). */
export type CsvColumnType = 'int32' | 'int64' | 'float64' | 'boolean' | 'date' | 'timestamp' | 'utf8';

import type { S3Options } from '@pypeline/object-store';

/** Configuration of `csv_source`. */
export interface Config extends S3Options {
  /**
   * Path to the CSV file, or an object in S3-compatible storage as s3://bucket/key (see the s3_* options)
   * @format path
   */
  file_path: string;
  /**
   * File encoding: `windows-1252` is what Excel and most Western Windows software write (Latin-1 plus € and typographic quotes); `latin1` is ISO-8859-1
   * @default "utf-8"
   */
  encoding?: 'utf-8' | 'windows-1252' | 'latin1';
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
   * Character that escapes a quote inside a quoted field; empty means the quote itself (RFC 4180 doubled quotes)
   * @default ""
   */
  escape?: string;
  /**
   * Rows read to infer each column's type (DuckDB's default sample, 20480); 0 reads the whole file before choosing
   * @asType integer
   * @default 20480
   */
  sample_rows?: number;
  /**
   * Column types that override inference, by column name, e.g. { zip: utf8, amount: float64, seen_at: timestamp }
   * @default {}
   */
  schema?: Record<string, CsvColumnType>;
  /**
   * What a row that cannot be read does (a value that does not fit its column, a wrong field count):
   * fail stops the run with its line number, skip drops it, reject sends it with its line and the reason to the reject port
   * @default "fail"
   */
  on_error?: 'fail' | 'skip' | 'reject';
  /**
   * Bytes of CSV parsed per record batch; chunks are parsed in parallel on the worker pool
   * @asType integer
   * @default 4194304
   */
  chunk_bytes?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = {
  encoding: 'utf-8',
  delimiter: ',',
  header: true,
  quote: '"',
  escape: '',
  sample_rows: 20480,
  schema: {},
  on_error: 'fail',
  chunk_bytes: 4 * 1024 * 1024,
} as const satisfies Omit<Required<Config>, 'file_path' | keyof S3Options>;
