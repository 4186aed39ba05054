import { parseObjectUrl } from '@pypeline/sdk';
import { useLocalS3 } from '@pypeline/test-services';
import { beforeAll, describe, expect, it } from 'vitest';
import { listObjects } from './list-objects.js';

const s3 = useLocalS3(['data']);
const KEYS = [
  ...Array.from({ length: 230 }, (_, i) => `in/part-${String(i).padStart(3, '0')}.csv`),
  ...Array.from({ length: 20 }, (_, i) => `in/notes-${i}.txt`),
  'in/.hidden.csv',
  'in/2024/deep.csv',
  'in/2024/',
  'inbox/other.csv',
];

beforeAll(async () => {
  for (let i = 0; i < KEYS.length; i += 16) {
    await Promise.all(KEYS.slice(i, i + 16).map((key) => s3.put(`s3://data/${key}`, key.endsWith('/') ? '' : `x,${key}\n`)));
  }
}, 120_000);

const list = (prefix: string, pattern: string, more: { recursive?: boolean; includeHidden?: boolean; pageSize?: number } = {}) =>
  listObjects(prefix, parseObjectUrl(prefix)!, s3.options, { pattern, recursive: more.recursive ?? false, includeHidden: more.includeHidden ?? false, pageSize: more.pageSize });

describe('listObjects', () => {
  it('follows every page of a prefix with many keys', async () => {
    const found = await list('s3://data/in', 'part-*.csv', { pageSize: 100 });
    expect(found.map((e) => e.name)).toEqual(KEYS.slice(0, 230).map((k) => k.slice(3)));
    expect(found[0]).toMatchObject({ path: 's3://data/in/part-000.csv', name: 'part-000.csv', size: 'x,in/part-000.csv\n'.length });
    expect(found[0].modified).toBeGreaterThan(Date.UTC(2020, 0, 1));
  }, 60_000);

  it('matches one level unless recursive, and hidden names only when asked', async () => {
    const top = await list('s3://data/in/', '*.csv', { pageSize: 50 });
    expect(top).toHaveLength(230);
    const deep = await list('s3://data/in', '*.csv', { recursive: true, pageSize: 50 });
    expect(deep.map((e) => e.path)).toContain('s3://data/in/2024/deep.csv');
    expect(deep).toHaveLength(231);
    const hidden = await list('s3://data/in', '*.csv', { includeHidden: true });
    expect(hidden.map((e) => e.name)).toContain('.hidden.csv');
    expect((await list('s3://data/in', '2024/*.csv')).map((e) => e.path)).toEqual(['s3://data/in/2024/deep.csv']);
  }, 60_000);

  it('does not take a sibling prefix for the folder', async () => {
    expect((await list('s3://data/in', '*.csv', { recursive: true })).some((e) => e.path.includes('inbox'))).toBe(false);
    expect(await list('s3://data/nothing-here', '*')).toEqual([]);
  }, 60_000);

  it('names the bucket that does not exist', async () => {
    await expect(list('s3://missing-bucket/in', '*')).rejects.toThrow(`cannot list s3://missing-bucket/in: bucket missing-bucket does not exist at ${s3.endpoint}`);
  }, 60_000);
});
