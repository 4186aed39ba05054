import type { ParquetCompression } from '@pypeline/parquet';

/** Configuration of `parquet_sink`. */
export interface Config {
  /**
   * Path of the Parquet file to write; missing parent directories are created
   * @format path
   */
  output_path: string;
  /**
   * Compression codec
   * @default "snappy"
   */
  compression?: ParquetCompression;
  /**
   * Maximum rows per row group; each row group is encoded on the worker pool, several at once
   * @asType integer
   * @default 1000000
   */
  row_group_size?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = {
  compression: 'snappy',
  row_group_size: 1_000_000,
} as const satisfies Omit<Required<Config>, 'output_path'>;
