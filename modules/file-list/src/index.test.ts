import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModuleError, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext, outputSchemasOf } from '@pypeline/sdk/testing';
import type { Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import fileList from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));

/** a.csv (3 bytes, oldest), b.csv (1 byte), c.txt, .hidden.csv, sub/d.csv, sub/deep/e.csv */
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'file-list-'));
  mkdirSync(join(dir, 'sub', 'deep'), { recursive: true });
  const files: [string, string, number][] = [['a.csv', 'aaa', 1000], ['b.csv', 'b', 3000], ['c.txt', 'cc', 2000], ['.hidden.csv', 'h', 4000], ['sub/d.csv', 'dddd', 5000], ['sub/deep/e.csv', 'e', 6000]];
  for (const [name, content, mtime] of files) {
    writeFileSync(join(dir, name), content);
    utimesSync(join(dir, name), mtime, mtime);
  }
  return dir;
}

async function list(config: Config) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'files' });
  const outputs = (await fileList.run({}, ctx)) as ModuleOutputs;
  const table = outputs.files as Table;
  return { table, ctx, names: table.toArray().map((r) => r.name as string) };
}

describe('file_list', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    const defaults = Object.fromEntries(Object.entries(manifest.config_schema.optional).map(([k, v]) => [k, (v as { default: unknown }).default]));
    expect(defaults).toEqual(DEFAULTS);
  });

  it('lists matching files with path, name, size and modified, sorted by name, and sets count', async () => {
    const dir = folder();
    const { table, ctx, names } = await list({ directory: dir, pattern: '*.csv' });
    expect(names).toEqual(['a.csv', 'b.csv']);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['path:Utf8', 'name:Utf8', 'size:Int64', 'modified:Timestamp<MILLISECOND>']);
    expect(table.get(0)!.toJSON()).toEqual({ path: join(dir, 'a.csv'), name: 'a.csv', size: 3n, modified: 1_000_000 });
    expect(ctx.globals.get('count')).toBe(2);
    expect(ctx.globals.get('directory')).toBe(dir);
  });

  it('goes into subfolders, includes hidden files and sorts by size or time when asked', async () => {
    const dir = folder();
    expect((await list({ directory: dir, pattern: '*.csv', recursive: true })).names).toEqual(['a.csv', 'b.csv', 'd.csv', 'e.csv']);
    expect((await list({ directory: dir, pattern: '*.csv', include_hidden: true })).names).toEqual(['.hidden.csv', 'a.csv', 'b.csv']);
    expect((await list({ directory: dir, sort: 'modified', descending: true })).names).toEqual(['b.csv', 'c.txt', 'a.csv']);
    expect((await list({ directory: dir, sort: 'size' })).names).toEqual(['b.csv', 'c.txt', 'a.csv']);
  });

  it('gives an empty list, or an error when asked, if nothing matches', async () => {
    const dir = folder();
    const { table, ctx } = await list({ directory: dir, pattern: '*.parquet' });
    expect(table.numRows).toBe(0);
    expect(table.schema.names).toEqual(['path', 'name', 'size', 'modified']);
    expect(ctx.globals.get('count')).toBe(0);
    await expect(list({ directory: dir, pattern: '*.parquet', error_if_empty: true })).rejects.toThrow(`no file in ${dir} matches "*.parquet"`);
  });

  it('explains a missing folder and a file given as folder', async () => {
    const error = await list({ directory: '/no/such/folder' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toBe('folder /no/such/folder does not exist');
    expect((error as ModuleError).retryable).toBe(false);
    const dir = folder();
    await expect(list({ directory: join(dir, 'a.csv') })).rejects.toThrow('is a file, not a folder');
  });
});

describe('file_list outputSchemas', () => {
  it('states the columns a listing has, whatever the folder', async () => {
    const r = await outputSchemasOf(fileList, { directory: '/no/such/folder' });
    const files = r.outputs?.files as { fields: { name: string; type: unknown }[] };
    expect(files.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(['path:Utf8', 'name:Utf8', 'size:Int64', 'modified:Timestamp<MILLISECOND>']);
  });
});
