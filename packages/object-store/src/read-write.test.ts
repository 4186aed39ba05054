import { randomBytes } from 'node:crypto';
import { ModuleError } from '@pypeline/sdk';
import { useLocalS3 } from '@pypeline/test-services';
import { describe, expect, it } from 'vitest';
import { openInput } from './input-file.js';
import { openOutput, writeOutput } from './output-file.js';
import { PART_BYTES } from './s3-options.js';

const s3 = useLocalS3(['data']);

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe('s3:// objects through openOutput and openInput', () => {
  it('writes a multipart object and reads it back by stream, sequential reads and ranges', async () => {
    const bytes = randomBytes(2 * PART_BYTES + 12345);
    const path = 's3://data/round/trip.bin';
    expect(await writeOutput(path, chunksOf(bytes, 1 << 20), s3.options)).toBe(bytes.length);
    const input = await openInput(path, s3.options);
    expect(input.size).toBe(bytes.length);
    expect((await collect(input.stream())).equals(bytes)).toBe(true);
    expect((await collect(input.stream(PART_BYTES))).equals(bytes.subarray(PART_BYTES))).toBe(true);
    const reader = await input.reader(100);
    const head = new Uint8Array(1000);
    let filled = 0;
    while (filled < head.length) filled += await reader.read(head, filled, head.length - filled);
    await reader.close();
    expect(Buffer.from(head).equals(bytes.subarray(100, 1100))).toBe(true);
    const blob = await input.blob();
    expect(blob.size).toBe(bytes.length);
    const tail = Buffer.from(await blob.slice(bytes.length - 8).arrayBuffer());
    expect(tail.equals(bytes.subarray(bytes.length - 8))).toBe(true);
    const middle = Buffer.from(await blob.slice(PART_BYTES - 5, PART_BYTES + 5).arrayBuffer());
    expect(middle.equals(bytes.subarray(PART_BYTES - 5, PART_BYTES + 5))).toBe(true);
  }, 120_000);

  it('writes a small object in one PUT, and an empty one', async () => {
    await writeOutput('s3://data/small.txt', chunksOf(Buffer.from('a,b\n1,2\n'), 3), s3.options);
    expect((await collect((await openInput('s3://data/small.txt', s3.options)).stream())).toString()).toBe('a,b\n1,2\n');
    await writeOutput('s3://data/empty.txt', chunksOf(new Uint8Array(0), 1), s3.options);
    const empty = await openInput('s3://data/empty.txt', s3.options);
    expect(empty.size).toBe(0);
    expect((await collect(empty.stream())).length).toBe(0);
  }, 60_000);

  it('leaves no object when the writer aborts after parts were sent', async () => {
    const file = await openOutput('s3://data/aborted.bin', s3.options);
    for await (const chunk of chunksOf(randomBytes(3 * PART_BYTES), 1 << 20)) await file.write(chunk);
    await file.abort();
    expect(await s3.get('s3://data/aborted.bin')).toBeUndefined();
  }, 120_000);

  it('leaves no object when the data fails mid-upload, and rethrows that failure', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield* chunksOf(randomBytes(2 * PART_BYTES), 1 << 20);
      throw new Error('upstream broke');
    }
    await expect(writeOutput('s3://data/broken.bin', broken(), s3.options)).rejects.toThrow('upstream broke');
    expect(await s3.get('s3://data/broken.bin')).toBeUndefined();
  }, 120_000);

  it('replaces an object only when the new one is complete', async () => {
    await writeOutput('s3://data/kept.txt', chunksOf(Buffer.from('old'), 3), s3.options);
    const file = await openOutput('s3://data/kept.txt', s3.options);
    await file.write('new but never committed');
    await file.abort();
    expect((await collect((await openInput('s3://data/kept.txt', s3.options)).stream())).toString()).toBe('old');
  }, 60_000);

  it('names the missing key and refuses a path that is a prefix', async () => {
    const missing = await openInput('s3://data/nope.csv', s3.options).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ModuleError);
    expect((missing as ModuleError).message).toBe(`cannot read s3://data/nope.csv: no such object at ${s3.endpoint}`);
    expect((missing as ModuleError).retryable).toBe(false);
    await expect(openOutput('s3://data/folder/', s3.options)).rejects.toThrow('names a bucket or a prefix');
  }, 60_000);
});
