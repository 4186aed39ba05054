// A local S3-compatible server for tests (s3rver, from npm: nothing to download or install
// beside the package), in a child process of the test's own on a free port, with its objects in
// a temp folder. The shared machine's services are never touched.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { until } from './until.js';

/** The s3_* options of the file modules that reach this server. */
export interface LocalS3Options {
  s3_endpoint: string;
  s3_region: string;
  s3_force_path_style: boolean;
  s3_access_key_id: string;
  s3_secret_access_key: string;
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  /** The module options that reach it (s3rver's fixed credentials S3RVER/S3RVER). */
  options: LocalS3Options;
  /** Stores `body` at `s3://bucket/key` (a fixture), straight through the S3 API. */
  put(url: string, body: Uint8Array | string): Promise<void>;
  /**
   * A local file written by `write` (in a temp folder of its own) and uploaded at `url`: the
   * same bytes on both sides, for a source read both ways. Returns the local path.
   */
  fixture(name: string, url: string, write: (path: string) => void | Promise<void>): Promise<string>;
  /** The bytes at `s3://bucket/key`, or undefined when there is no such object. */
  get(url: string): Promise<Buffer | undefined>;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./local-s3-main.js', import.meta.url));

/** Starts s3rver with `buckets` made, and waits until it listens (at most `timeoutMs`). */
export async function startLocalS3(buckets: string[], timeoutMs = 60_000): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'pype-s3-'));
  const child: ChildProcess = spawn(process.execPath, ['--openssl-legacy-provider', MAIN, directory, ...buckets], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await until(() => out.includes('\n') || child.exitCode !== null, () => `s3rver to start (stderr: ${err.trim() || 'none'})`, timeoutMs, 50);
  if (!out.includes('\n')) throw new Error(`s3rver exited with ${child.exitCode} before it listened: ${err.trim()}`);
  const { port } = JSON.parse(out.split('\n')[0]) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const where = (url: string) => {
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/s.exec(url) ?? [];
    if (!bucket) throw new Error(`not an s3://bucket/key URL: ${url}`);
    return { Bucket: bucket, Key: key };
  };
  const put = async (url: string, body: Uint8Array | string) => {
    await client.send(new PutObjectCommand({ ...where(url), Body: body }));
  };
  return {
    endpoint,
    port,
    options: { s3_endpoint: endpoint, s3_region: 'us-east-1', s3_force_path_style: true, s3_access_key_id: 'S3RVER', s3_secret_access_key: 'S3RVER' },
    put,
    async fixture(name, url, write) {
      const path = join(mkdtempSync(join(tmpdir(), 'pype-s3-fixture-')), name);
      await write(path);
      await put(url, readFileSync(path));
      return path;
    },
    async get(url) {
      try {
        const response = await client.send(new GetObjectCommand(where(url)));
        return Buffer.from(await response.Body!.transformToByteArray());
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async close() {
      client.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        // A server that does not stop within 10 s is killed: a test's teardown must end.
        const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(hard);
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * A local S3 server for the tests of one file: started before them, stopped after. Its fields
 * are there from the first test on (not while the file's top level runs).
 */
export function useLocalS3(buckets: string[]): LocalS3 {
  const s3 = {} as LocalS3;
  beforeAll(async () => {
    Object.assign(s3, await startLocalS3(buckets));
  }, 90_000);
  afterAll(async () => {
    await s3.close?.();
  }, 30_000);
  return s3;
}

/** A table's rows as comparable text (64-bit integers as `123n`), for "same rows both ways". */
export function rowsText(table: { toArray(): unknown[] }): string {
  return JSON.stringify(table.toArray(), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
