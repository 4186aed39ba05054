import type { S3Options } from '@pypeline/object-store';
import type { ParquetCompression } from '@pypeline/parquet';

/** Configuration of `parquet_sink`. */
export interface Config extends S3Options {
  /**
   * Path of the Parquet file to write, or an s3://bucket/key object (uploaded in parts, visible only when complete; see the s3_* options); missing parent directories are created
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
   * @default 250000
   */
  row_group_size?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = {
  compression: 'snappy',
  row_group_size: 250_000,
} as const satisfies Omit<Required<Config>, 'output_path' | keyof S3Options>;
