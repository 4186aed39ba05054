import type { S3Options } from '@pypeline/object-store';

/** Configuration of `parquet_source`. */
export interface Config extends S3Options {
  /**
   * Path of the Parquet file to read, or an s3://bucket/key object (read by ranges: the footer and the projected columns; see the s3_* options)
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
} satisfies Omit<Required<Config>, 'file_path' | keyof S3Options>;
