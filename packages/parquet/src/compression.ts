import { Compression } from 'parquet-wasm';

/** The codecs a flow may ask for; `lz4` writes LZ4_RAW, the non-deprecated LZ4 codec. */
export type ParquetCompression = 'snappy' | 'zstd' | 'gzip' | 'brotli' | 'lz4' | 'none';

export const PARQUET_COMPRESSIONS: readonly ParquetCompression[] = ['snappy', 'zstd', 'gzip', 'brotli', 'lz4', 'none'];

const CODECS: Record<ParquetCompression, Compression> = {
  snappy: Compression.SNAPPY,
  zstd: Compression.ZSTD,
  gzip: Compression.GZIP,
  brotli: Compression.BROTLI,
  lz4: Compression.LZ4_RAW,
  none: Compression.UNCOMPRESSED,
};

export function codecFor(compression: ParquetCompression): Compression {
  const codec = CODECS[compression];
  if (codec === undefined) {
    throw new RangeError(`unknown Parquet compression "${compression}": use one of ${PARQUET_COMPRESSIONS.join(', ')}`);
  }
  return codec;
}
