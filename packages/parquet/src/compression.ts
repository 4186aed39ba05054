import type { Compression } from 'parquet-wasm';
import { parquetWasm } from './parquet-wasm.js';

/** The codecs a flow may ask for; `lz4` writes LZ4_RAW, the non-deprecated LZ4 codec. */
export type ParquetCompression = 'snappy' | 'zstd' | 'gzip' | 'brotli' | 'lz4' | 'none';

export const PARQUET_COMPRESSIONS: readonly ParquetCompression[] = ['snappy', 'zstd', 'gzip', 'brotli', 'lz4', 'none'];

const CODECS: Record<ParquetCompression, keyof typeof Compression> = {
  snappy: 'SNAPPY',
  zstd: 'ZSTD',
  gzip: 'GZIP',
  brotli: 'BROTLI',
  lz4: 'LZ4_RAW',
  none: 'UNCOMPRESSED',
};

/** Throws a RangeError naming the codecs when `compression` is not one of them. */
export function checkCompression(compression: ParquetCompression): void {
  if (!Object.hasOwn(CODECS, compression)) {
    throw new RangeError(`unknown Parquet compression "${compression}": use one of ${PARQUET_COMPRESSIONS.join(', ')}`);
  }
}

/** parquet-wasm's codec for `compression` (loads parquet-wasm). */
export function codecFor(compression: ParquetCompression): Compression {
  checkCompression(compression);
  return parquetWasm().Compression[CODECS[compression]];
}
