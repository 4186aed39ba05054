import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { openParquetBatches, parquetWorkerFile, readParquetFile } from '@pypeline/parquet';
import { MemoryArtifact, ModuleError } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import parquetSink from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));

const table = new Table({
  id: vectorFromArray([1, 2, null], new Int32()),
  score: vectorFromArray([0.5, null, 2], new Float64()),
  name: vectorFromArray(['a', null, 'c'], new Utf8()),
});

function context(config: Config) {
  return createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'sink' });
}

describe('parquet_sink', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    expect(manifest.config_schema.optional.compression).toMatchObject({ default: DEFAULTS.compression, enum: ['snappy', 'zstd', 'gzip', 'brotli', 'lz4', 'none'] });
    expect(manifest.config_schema.optional.row_group_size).toMatchObject({ type: 'integer', default: DEFAULTS.row_group_size });
  });

  it('encodes big row groups on the pool, stitched into one file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'parquet-sink-')), 'big.parquet');
    const rows = 60_000;
    const big = new Table({ id: vectorFromArray(Int32Array.from({ length: rows }, (_, k) => k)), name: vectorFromArray(Array.from({ length: rows }, (_, k) => `n${k % 97}`), new Utf8()) });
    const ctx = context({ output_path: path, row_group_size: 30_000 });
    await parquetSink.run({ input: new MemoryArtifact(big) }, ctx);
    // Two row groups of 60,000 cells each: over the inline limit, one pool task each.
    expect(ctx.pool.ran.map((task) => task.filename)).toEqual([parquetWorkerFile, parquetWorkerFile]);
    const back = await readParquetFile(path);
    expect(back.numRows).toBe(rows);
    expect([back.getChild('id')!.get(59_999), back.getChild('name')!.get(59_999)]).toEqual([59_999, `n${59_999 % 97}`]);
    expect((await openParquetBatches(path)).numRowGroups).toBe(2);
  });

  it('encodes small row groups on this thread and writes the file, creating parent directories', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'parquet-sink-')), 'a', 'b', 'out.parquet');
    const ctx = context({ output_path: path, compression: 'zstd', row_group_size: 2 });
    expect(await parquetSink.run({ input: new MemoryArtifact(table) }, ctx)).toBeUndefined();
    const back = await readParquetFile(path);
    expect(back.toArray().map((r) => r.toJSON())).toEqual(table.toArray().map((r) => r.toJSON()));
    // Two row groups of a few cells: no pool thread started for them.
    expect(ctx.pool.ran).toEqual([]);
    expect((await openParquetBatches(path)).numRowGroups).toBe(2);
    expect(ctx.globals.get('row_count')).toBe(3);
    expect(ctx.globals.get('output_path')).toBe(path);
    expect(readdirSync(join(path, '..'))).toEqual(['out.parquet']);
  });

  it('fails without a half-written file when the path is a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parquet-sink-'));
    mkdirSync(join(dir, 'out.parquet'));
    const error = await parquetSink.run({ input: new MemoryArtifact(table) }, context({ output_path: join(dir, 'out.parquet') })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toContain(`cannot write Parquet file ${join(dir, 'out.parquet')}`);
    expect((error as ModuleError).retryable).toBe(false);
    expect(readdirSync(dir)).toEqual(['out.parquet']);
  });

  it('streams its input: row groups cut across batches, nothing held but the groups being encoded', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'parquet-sink-')), 'stream.parquet');
    let produced = 0;
    async function* batches() {
      for (let i = 0; i < 10; i++) {
        produced += 1000;
        yield new Table({ id: vectorFromArray(Int32Array.from({ length: 1000 }, (_, k) => i * 1000 + k)) }).batches[0];
      }
    }
    const input = new MemoryArtifact(new Table({ id: vectorFromArray([0], new Int32()) }));
    input.batches = batches;
    const ctx = context({ output_path: path, row_group_size: 3000 });
    await parquetSink.run({ input }, ctx);
    expect(produced).toBe(10_000);
    const file = await openParquetBatches(path);
    expect([file.numRowGroups, file.numRows]).toEqual([4, 10_000]);
    const back = await readParquetFile(path);
    expect(back.getChild('id')!.get(9999)).toBe(9999);
    expect(ctx.globals.get('row_count')).toBe(10_000);
  });

  it('explains a missing input', async () => {
    await expect(parquetSink.run({}, context({ output_path: '/tmp/x.parquet' }))).rejects.toThrow('no data on its "input" port');
  });

  it('checks that the output folder is writable, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-'));
    const signal = new AbortController().signal;
    await expect(parquetSink.check!({ config: { output_path: join(dir, 'new', 'x.parquet') }, signal })).resolves.toContain('will be created');
    await expect(parquetSink.check!({ config: { output_path: dir }, signal })).rejects.toThrow(/output_path .* is a folder/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
