import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bool, DateDay, Decimal, Float64, Int32, Int64, Table, TimestampMillisecond, Utf8, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import jsonSink from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));

const part = (ids: number[]) => new Table({
  id: vectorFromArray(ids, new Int32()),
  big: vectorFromArray(ids.map((i) => (i === 2 ? 2n ** 60n : BigInt(i))), new Int64()),
  score: vectorFromArray(ids.map((i) => (i === 2 ? null : i / 2)), new Float64()),
  ok: vectorFromArray(ids.map((i) => i % 2 === 0), new Bool()),
  name: vectorFromArray(ids.map((i) => `n"${i}`), new Utf8()),
  day: vectorFromArray(ids.map((i) => new Date(Date.UTC(2024, 0, i))), new DateDay()),
  at: vectorFromArray(ids.map((i) => new Date(Date.UTC(2024, 0, 1, i))), new TimestampMillisecond()),
});
const table = new Table([...part([1, 2]).batches, ...part([3]).batches]);

async function write(config: Config, data: Table = table) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'out' });
  await jsonSink.run({ input: new MemoryArtifact(data) }, ctx);
  return ctx;
}

const outFile = () => join(mkdtempSync(join(tmpdir(), 'json-sink-')), 'a', 'out.json');

describe('json_sink', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    expect(manifest.config_schema.optional.format).toMatchObject({ default: DEFAULTS.format, enum: ['jsonl', 'array'] });
  });

  it('writes JSON Lines across batches with JSON-friendly values and sets globals', async () => {
    const path = outFile();
    const ctx = await write({ output_path: path });
    const text = readFileSync(path, 'utf8');
    // 2^60 as exact number text: JSON.parse would round it, so it is checked in the text.
    expect(text.split('\n')[1]).toContain('"big":1152921504606846976,');
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { id: 1, big: 1, score: 0.5, ok: false, name: 'n"1', day: '2024-01-01', at: '2024-01-01T01:00:00.000Z' },
      { id: 2, big: 1152921504606846976, score: null, ok: true, name: 'n"2', day: '2024-01-02', at: '2024-01-01T02:00:00.000Z' },
      { id: 3, big: 3, score: 1.5, ok: false, name: 'n"3', day: '2024-01-03', at: '2024-01-01T03:00:00.000Z' },
    ]);
    expect(ctx.globals.get('row_count')).toBe(3);
    expect(ctx.globals.get('output_path')).toBe(path);
    expect(readdirSync(join(path, '..'))).toEqual(['out.json']);
  });

  it('writes decimals as exact number text at their scale, as DuckDB to_json does', async () => {
    // Decimal128 stores each value as four little-endian 32-bit words of its unscaled integer.
    const decimals = (units: bigint[], scale: number, precision: number) => {
      const words = new Uint32Array(units.length * 4);
      units.forEach((u, i) => {
        for (let k = 0; k < 4; k++) words[i * 4 + k] = Number(BigInt.asUintN(32, u >> BigInt(32 * k)));
      });
      return makeVector(makeData({ type: new Decimal(scale, precision, 128), length: units.length, data: words }));
    };
    const data = new Table({
      price: decimals([5000n, -12500n, 0n], 4, 18),
      huge: decimals([1234567890123456789n, -1n, 10n ** 37n], 2, 38),
    });
    const path = outFile();
    await write({ output_path: path }, data);
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toEqual([
      '{"price":0.5000,"huge":12345678901234567.89}',
      '{"price":-1.2500,"huge":-0.01}',
      '{"price":0.0000,"huge":100000000000000000000000000000000000.00}',
    ]);
  });

  it('writes a JSON array, and [] for no rows', async () => {
    const path = outFile();
    await write({ output_path: path, format: 'array' });
    expect(JSON.parse(readFileSync(path, 'utf8')).map((r: { id: number }) => r.id)).toEqual([1, 2, 3]);
    await write({ output_path: path, format: 'array' }, table.slice(0, 0));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual([]);
  });

  it('fails without leaving a temp file when the path is a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'json-sink-'));
    mkdirSync(join(dir, 'out.json'));
    const error = await write({ output_path: join(dir, 'out.json') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toContain(`cannot write JSON file ${join(dir, 'out.json')}`);
    expect((error as ModuleError).retryable).toBe(false);
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('explains a missing input', async () => {
    const ctx = createTestContext<Config>({ config: { output_path: '/tmp/x.json' } });
    await expect(jsonSink.run({}, ctx)).rejects.toThrow('no data on its "input" port');
  });

  it('checks that the output folder is writable, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-'));
    const signal = new AbortController().signal;
    await expect(jsonSink.check!({ config: { output_path: join(dir, 'new', 'x.json') }, signal })).resolves.toContain('will be created');
    await expect(jsonSink.check!({ config: { output_path: dir }, signal })).rejects.toThrow(/output_path .* is a folder/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
