import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type { ObjectUrl } from '@pypeline/sdk';
import type { ByteReader, InputFile } from './input-file.js';
import { s3Target, type S3Target } from './s3-client.js';
import { s3Error } from './s3-error.js';
import type { S3Options } from './s3-options.js';

/** An object opened for reading: HEAD now (size, ETag), ranged GETs as its bytes are read. */
export async function openS3Input(path: string, url: ObjectUrl, options: S3Options, signal?: AbortSignal): Promise<InputFile> {
  const target = s3Target(options);
  const head = await target.client.send(new HeadObjectCommand({ Bucket: url.bucket, Key: url.key }), { abortSignal: signal }).catch((error: unknown) => {
    throw s3Error(error, 'read', path, target);
  });
  return new S3Input(path, url, head.ContentLength ?? 0, head.ETag, target, signal);
}

class S3Input implements InputFile {
  failure?: Error;

  constructor(
    readonly path: string,
    private readonly url: ObjectUrl,
    readonly size: number,
    private readonly etag: string | undefined,
    private readonly target: S3Target,
    private readonly signal?: AbortSignal,
  ) {}

  /** The bytes [start, end) as a streamed GET body; If-Match keeps every range on one version. */
  async *chunks(start = 0, end = this.size): AsyncGenerator<Uint8Array> {
    if (start >= end) return;
    const command = new GetObjectCommand({ Bucket: this.url.bucket, Key: this.url.key, Range: `bytes=${start}-${end - 1}`, IfMatch: this.etag });
    let body: Readable | undefined;
    try {
      const response = await this.target.client.send(command, { abortSignal: this.signal });
      body = response.Body as Readable;
      for await (const chunk of body) yield chunk as Uint8Array;
    } catch (error) {
      throw this.fail(error);
    } finally {
      body?.destroy();
    }
  }

  async range(start: number, end: number): Promise<Uint8Array> {
    const out = new Uint8Array(Math.max(0, end - start));
    let at = 0;
    for await (const chunk of this.chunks(start, end)) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  stream(start = 0): Readable {
    return Readable.from(this.chunks(start), { objectMode: false });
  }

  async reader(start = 0): Promise<ByteReader> {
    const chunks = this.chunks(start);
    let pending: Uint8Array | undefined;
    return {
      async read(buffer, offset, length) {
        if (!pending || pending.length === 0) {
          const next = await chunks.next();
          if (next.done) return 0;
          pending = next.value;
        }
        const n = Math.min(length, pending.length);
        buffer.set(pending.subarray(0, n), offset);
        pending = pending.subarray(n);
        return n;
      },
      close: async () => {
        await chunks.return(undefined);
      },
    };
  }

  async blob(): Promise<Blob> {
    // Duck-typed: parquet-wasm asks only for size, slice and arrayBuffer.
    return new RangeBlob(this, 0, this.size) as unknown as Blob;
  }

  private fail(error: unknown): Error {
    this.failure = s3Error(error, 'read', this.path, this.target);
    return this.failure;
  }
}

/** A byte range of an object, read by one ranged GET when its bytes are asked for. */
class RangeBlob {
  constructor(
    private readonly file: S3Input,
    private readonly start: number,
    private readonly end: number,
  ) {}

  get size(): number {
    return this.end - this.start;
  }

  slice(from = 0, to = this.size): RangeBlob {
    const clamp = (n: number) => Math.min(this.size, Math.max(0, n < 0 ? this.size + n : n));
    return new RangeBlob(this.file, this.start + clamp(from), this.start + Math.max(clamp(from), clamp(to)));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.file.range(this.start, this.end);
    return bytes.buffer as ArrayBuffer;
  }
}
