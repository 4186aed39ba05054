import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { until, useLocalS3 } from '@pypeline/test-services';
import { describe, expect, it } from 'vitest';
import { PART_BYTES } from './s3-options.js';

// A sink process killed (SIGKILL: no cleanup runs) in the middle of a multipart upload leaves no
// object: S3 makes an object of the parts only on CompleteMultipartUpload, which never came.
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

const s3 = useLocalS3(['data']);

describe('a writer killed mid-upload', () => {
  it('leaves no object at the key', async () => {
    const script = `
      const { openOutput } = await import(${JSON.stringify(DIST)});
      const file = await openOutput('s3://data/killed.bin', JSON.parse(process.argv[1]));
      const chunk = Buffer.alloc(1 << 20, 7);
      for (let mib = 1; ; mib++) {
        await file.write(chunk);
        if (mib === ${(3 * PART_BYTES) >> 20}) process.stdout.write('parts sent\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(s3.options)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      // Writes wait for the upload to take the bytes, so three parts written means parts were sent.
      await until(() => out.includes('parts sent') || child.exitCode !== null, () => `the writer to send parts (stderr: ${err})`, 90_000, 50);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(await s3.get('s3://data/killed.bin')).toBeUndefined();
  }, 150_000);
});
