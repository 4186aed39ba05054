import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runModule } from '@pypeline/sdk/testing';
import { rowsText, useLocalS3 } from '@pypeline/test-services';
import { describe, expect, it } from 'vitest';
import csvSource from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));

const s3 = useLocalS3(['in']);

const read = (config: Config) => runModule(csvSource, { config, manifest: MANIFEST, moduleId: 'src' });

describe('csv_source from s3://', () => {
  it('reads the object as it reads the same file, in many chunks, with its globals', async () => {
    const text = `id,name,amount,day\n${Array.from({ length: 20_000 }, (_, i) => `${i},"name ${i}, ""q""",${i / 4},2024-01-${String((i % 28) + 1).padStart(2, '0')}`).join('\n')}\n`;
    const local = await s3.fixture('in.csv', 's3://in/data/in.csv', (path) => writeFileSync(path, text));
    const options = { chunk_bytes: 64 * 1024, sample_rows: 100, on_error: 'reject' as const };
    const fromDisk = await read({ file_path: local, ...options });
    const fromS3 = await read({ file_path: 's3://in/data/in.csv', ...options, ...s3.options });
    expect(fromS3.outputs.data.schema.toString()).toBe(fromDisk.outputs.data.schema.toString());
    expect(fromS3.outputs.data.numRows).toBe(20_000);
    expect(rowsText(fromS3.outputs.data)).toBe(rowsText(fromDisk.outputs.data));
    expect(fromS3.ctx.globals.get('file_size')).toBe(Buffer.byteLength(text));
    expect(fromS3.ctx.globals.get('row_count')).toBe(20_000);
  }, 120_000);

  it('names a missing key, refused credentials and pype check', async () => {
    await expect(read({ file_path: 's3://in/nope.csv', on_error: 'reject', ...s3.options })).rejects.toThrow(`cannot read s3://in/nope.csv: no such object at ${s3.endpoint}`);
    await expect(read({ file_path: 's3://in/data/in.csv', ...s3.options, s3_access_key_id: 'NOT-A-KEY' })).rejects.toThrow(/refused the credentials|denied access/);
    const checked = await csvSource.check!({ config: { file_path: 's3://in/data/in.csv', ...s3.options }, signal: new AbortController().signal });
    expect(checked).toMatch(/^s3:\/\/in\/data\/in.csv: readable, \d+ bytes at http:\/\/127.0.0.1:\d+$/);
  }, 120_000);
});
