import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runModule } from '@pypeline/sdk/testing';
import { rowsText, useLocalS3 } from '@pypeline/test-services';
import { describe, expect, it } from 'vitest';
import jsonSource from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));

const s3 = useLocalS3(['in']);

const read = (config: Config) => runModule(jsonSource, { config, manifest: MANIFEST, moduleId: 'src' });

describe('json_source from s3://', () => {
  it('reads JSON Lines and a JSON array from objects as from files', async () => {
    const records = Array.from({ length: 5000 }, (_, i) => ({ id: i, big: i === 7 ? '9007199254740993' : i, name: `n${i}`, tags: [i, i + 1] }));
    const lines = records.map((r) => JSON.stringify(r).replace('"9007199254740993"', '9007199254740993')).join('\n');
    const jsonl = await s3.fixture('in.jsonl', 's3://in/in.jsonl', (path) => writeFileSync(path, `${lines}\n`));
    const array = await s3.fixture('in.json', 's3://in/in.json', (path) => writeFileSync(path, `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]`));
    for (const [local, url, format] of [[jsonl, 's3://in/in.jsonl', 'jsonl'], [array, 's3://in/in.json', 'array']] as const) {
      const fromDisk = await read({ file_path: local });
      const fromS3 = await read({ file_path: url, ...s3.options });
      expect(fromS3.ctx.globals.get('format')).toBe(format);
      expect(fromS3.outputs.data.numRows).toBe(5000);
      expect(rowsText(fromS3.outputs.data)).toBe(rowsText(fromDisk.outputs.data));
    }
  }, 120_000);

  it('names a down endpoint with the fix', async () => {
    await expect(read({ file_path: 's3://in/in.jsonl', ...s3.options, s3_endpoint: 'http://127.0.0.1:9' })).rejects.toThrow('the object storage endpoint http://127.0.0.1:9 cannot be reached');
  }, 120_000);
});
