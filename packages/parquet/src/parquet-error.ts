/** A Parquet file could not be read or written; the message names the file and the fix. */
export class ParquetError extends Error {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ParquetError';
  }
}
