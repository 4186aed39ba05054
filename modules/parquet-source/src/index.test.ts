import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bool, DateDay, Float64, Table, Utf8, vectorFromArray, type RecordBatch } from 'apache-arrow';
import { writeParquetFile } from '@pypeline/parquet';
import { ModuleError, toTable, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import parquetSource from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const DAY = 86_400_000;

const table = new Table({
  id: vectorFromArray(Int32Array.from({ length: 2500 }, (_, i) => i)),
  name: vectorFromArray(Array.from({ length: 2500 }, (_, i) => (i % 10 ? `name ${i} é` : null)), new Utf8()),
  big: vectorFromArray(BigInt64Array.from({ length: 2500 }, (_, i) => BigInt(i) * 10_000_000_000n)),
  score: vectorFromArray(Array.from({ length: 2500 }, (_, i) => (i % 7 ? i / 4 : null)), new Float64()),
  ok: vectorFromArray(Array.from({ length: 2500 }, (_, i) => i % 3 === 0), new Bool()),
  day: vectorFromArray(Array.from({ length: 2500 }, (_, i) => new Date(i * DAY)), new DateDay()),
});

async function parquetFile(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'parquet-source-')), 'in.parquet');
  await writeParquetFile(path, table, { rowGroupSize: 1000 });
  return path;
}

async function read(config: Config) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'src' });
  const outputs = (await parquetSource.run({}, ctx)) as ModuleOutputs;
  const stream = outputs.data as AsyncIterable<RecordBatch> & { schema: Table['schema'] };
  const batches: RecordBatch[] = [];
  for await (const batch of stream) batches.push(batch);
  return { stream, batches, table: await toTable(batches), ctx };
}

describe('parquet_source', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    expect(manifest.config_schema.optional.columns).toMatchObject({ type: 'array', default: DEFAULTS.columns });
  });

  it('round-trips every column type, streaming one row group at a time', async () => {
    const { table: back, batches, ctx } = await read({ file_path: await parquetFile() });
    expect(batches.map((b) => b.numRows)).toEqual([1000, 1000, 500]);
    expect(back.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(table.schema.fields.map((f) => `${f.name}:${f.type}`));
    expect(back.toArray().map((r) => r.toJSON())).toEqual(table.toArray().map((r) => r.toJSON()));
    expect(ctx.globals.get('row_count')).toBe(2500);
    expect(ctx.globals.get('row_groups')).toBe(3);
  });

  it('reads only the projected columns, in the order asked', async () => {
    const { stream, table: back } = await read({ file_path: await parquetFile(), columns: ['score', 'id'] });
    expect(stream.schema.names).toEqual(['score', 'id']);
    expect(back.schema.names).toEqual(['score', 'id']);
    expect(back.getChild('id')!.get(2499)).toBe(2499);
    expect(back.getChild('score')!.get(1)).toBe(0.25);
  });

  it('names a missing file and an unknown column', async () => {
    const missing = await read({ file_path: '/no/such.parquet' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ModuleError);
    expect((missing as ModuleError).message).toContain('/no/such.parquet does not exist');
    expect((missing as ModuleError).retryable).toBe(false);
    const unknown = await read({ file_path: await parquetFile(), columns: ['nope'] }).catch((e: unknown) => e);
    expect((unknown as ModuleError).message).toMatch(/nope/);
  });

  it('reads a file without rows: no rows, the schema still known', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'parquet-source-')), 'empty.parquet');
    await writeParquetFile(path, table.slice(0, 0));
    const { stream, table: back } = await read({ file_path: path });
    expect(back.numRows).toBe(0);
    expect(stream.schema.names).toEqual(table.schema.names);
  });
});
