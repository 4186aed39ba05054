import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DagNode } from '../plan/types.js';
import { cacheKey } from './cache-key.js';
import { parseSize } from './cache-folder.js';

const node = {
  id: 'read', name: 'csv_source', package: '@pypeline/mod-csv-source', version: '1.0.0',
  json_schema: { properties: { file_path: { type: 'string', format: 'path' }, password: { type: 'string', secret: true }, note: { type: 'string' } } },
} as unknown as DagNode;

describe('cacheKey', () => {
  it('changes with the version, the config, the inputs and the files that path fields name', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pype-key-')), 'in.csv');
    writeFileSync(file, 'a\n1\n');
    const base = { node, config: { file_path: file }, inputs: { input: 'abc' }, secrets: [] };
    const key = cacheKey(base);
    expect(cacheKey(base)).toBe(key);
    expect(cacheKey({ ...base, node: { ...node, version: '1.0.1' } })).not.toBe(key);
    expect(cacheKey({ ...base, config: { file_path: file, note: 'x' } })).not.toBe(key);
    expect(cacheKey({ ...base, inputs: { input: 'abd' } })).not.toBe(key);
    utimesSync(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(cacheKey(base)).not.toBe(key);
  });

  it('never repeats for an s3:// path, whose object version is not read', () => {
    const base = { node, config: { file_path: 's3://bucket/in.csv' }, inputs: {}, secrets: [] };
    expect(cacheKey(base)).not.toBe(cacheKey(base));
  });

  it('depends on secret values without carrying them', () => {
    const a = cacheKey({ node, config: { password: 'pw1', note: 'user:pw1@host' }, inputs: {}, secrets: ['pw1'] });
    const b = cacheKey({ node, config: { password: 'pw2', note: 'user:pw2@host' }, inputs: {}, secrets: ['pw2'] });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('parseSize', () => {
  it('reads bytes and binary or decimal units', () => {
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(parseSize('512 MiB')).toBe(512 * 1024 ** 2);
    expect(parseSize('100mb')).toBe(100e6);
    expect(parseSize('2048')).toBe(2048);
    expect(() => parseSize('lots')).toThrow(/cannot read the size/);
  });
});
