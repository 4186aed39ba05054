import { createReadStream, openAsBlob } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { parseObjectUrl } from '@pypeline/sdk';
import type { S3Options } from './s3-options.js';

/** Sequential reads, as FileHandle.read does them: each call fills up to `length` bytes; 0 is the end. */
export interface ByteReader {
  read(buffer: Uint8Array, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A file to read, local or in object storage, read the same three ways: sequential reads, a
 * stream, or a Blob whose slices fetch only their byte range. Nothing is read whole into memory.
 */
export interface InputFile {
  /** The path as messages name it: absolute for a local file, the s3:// URL for an object. */
  readonly path: string;
  readonly size: number;
  /** Sequential reads from `start`. */
  reader(start?: number): Promise<ByteReader>;
  /** The bytes from `start` as a stream. */
  stream(start?: number): Readable;
  /** A Blob of the file: slices read by range (what parquet-wasm reads column chunks through). */
  blob(): Promise<Blob>;
  /**
   * The last read error, for readers that turn it into text of their own (parquet-wasm does):
   * the caller throws this one instead, with its endpoint and fix.
   */
  readonly failure?: Error;
}

/**
 * Opens `path` for reading: an `s3://bucket/key` object (its size and version pinned by a HEAD,
 * so a replaced object fails the read instead of mixing two versions), else a local file.
 * A missing local file throws the file system's ENOENT error for the module to word.
 */
export async function openInput(path: string, options: S3Options, signal?: AbortSignal): Promise<InputFile> {
  const url = parseObjectUrl(path);
  // The AWS SDK is loaded only for s3:// paths (it takes longer to load than a small local run).
  if (url) return (await import('./s3-input.js')).openS3Input(path, url, options, signal);
  const info = await stat(path);
  return localInput(path, info.size);
}

function localInput(path: string, size: number): InputFile {
  return {
    path,
    size,
    async reader(start = 0) {
      const handle = await open(path, 'r');
      let position = start;
      return {
        async read(buffer, offset, length) {
          const { bytesRead } = await handle.read(buffer, offset, length, position);
          position += bytesRead;
          return bytesRead;
        },
        close: () => handle.close(),
      };
    },
    stream: (start = 0) => createReadStream(path, { start }),
    blob: () => openAsBlob(path),
  };
}
