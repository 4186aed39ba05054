import { fileURLToPath } from 'node:url';
import type { Table } from 'apache-arrow';
import { PathOutsideRootError, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { useLocalS3 } from '@pypeline/test-services';
import { beforeAll, describe, expect, it } from 'vitest';
import fileList from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
// More keys than one ListObjectsV2 page (1000), so the listing must follow the continuation.
const MANY = 1010;

const s3 = useLocalS3(['in']);
beforeAll(async () => {
  const keys = [...Array.from({ length: MANY }, (_, i) => `drop/f${String(i).padStart(4, '0')}.csv`), 'drop/readme.txt', 'drop/2024/deep.csv', 'dropbox/x.csv'];
  for (let i = 0; i < keys.length; i += 20) {
    await Promise.all(keys.slice(i, i + 20).map((key) => s3.put(`s3://in/${key}`, `id\n${key}\n`)));
  }
}, 240_000);

async function list(config: Config, allowedRoot?: string) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'files', allowedRoot });
  const outputs = (await fileList.run({}, ctx)) as ModuleOutputs;
  return { table: outputs.files as Table, ctx };
}

describe('file_list over s3://', () => {
  it('lists every page of a prefix, matched and sorted as local files are', async () => {
    const { table, ctx } = await list({ directory: 's3://in/drop', pattern: '*.csv', descending: true, ...s3.options });
    expect(table.numRows).toBe(MANY);
    expect(ctx.globals.get('count')).toBe(MANY);
    const first = table.get(0)!.toJSON();
    expect(first.path).toBe(`s3://in/drop/f${MANY - 1}.csv`);
    expect(first.name).toBe(`f${MANY - 1}.csv`);
    expect(first.size).toBe(BigInt(`id\ndrop/f${MANY - 1}.csv\n`.length));
    const deep = await list({ directory: 's3://in/drop/', pattern: 'deep.csv', recursive: true, ...s3.options });
    expect(deep.table.toArray().map((r) => r.path)).toEqual(['s3://in/drop/2024/deep.csv']);
  }, 120_000);

  it('checks each listed object against an s3:// allowed_root, and refuses them under a local one', async () => {
    const inside = await list({ directory: 's3://in/drop', pattern: 'readme.txt', ...s3.options }, 's3://in/drop');
    expect(inside.table.numRows).toBe(1);
    await expect(list({ directory: 's3://in/drop', pattern: 'readme.txt', ...s3.options }, '/tmp')).rejects.toBeInstanceOf(PathOutsideRootError);
  }, 120_000);

  it('pype check counts the matches; a down endpoint is named', async () => {
    expect(await fileList.check!({ config: { directory: 's3://in/drop', pattern: 'readme*', ...s3.options }, signal: new AbortController().signal })).toBe('s3://in/drop: 1 file match "readme*"');
    await expect(list({ directory: 's3://in/drop', ...s3.options, s3_endpoint: 'http://127.0.0.1:9' })).rejects.toThrow('cannot list s3://in/drop: the object storage endpoint http://127.0.0.1:9 cannot be reached');
  }, 120_000);
});
