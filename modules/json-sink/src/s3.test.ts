import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Float64, Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { useLocalS3 } from '@pypeline/test-services';
import { describe, expect, it } from 'vitest';
import jsonSink from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const rows = 5000;
const table = new Table({
  id: vectorFromArray(Array.from({ length: rows }, (_, i) => BigInt(i) * 3_000_000_000n), new Int64()),
  name: vectorFromArray(Array.from({ length: rows }, (_, i) => (i % 7 ? `name ${i}, "é"` : null)), new Utf8()),
  score: vectorFromArray(Array.from({ length: rows }, (_, i) => i / 8), new Float64()),
});

const s3 = useLocalS3(['out']);

async function write(config: Config, data: Table | MemoryArtifact = table) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'sink' });
  await jsonSink.run({ input: data instanceof MemoryArtifact ? data : new MemoryArtifact(data) }, ctx);
  return ctx;
}

describe('json_sink to s3://', () => {
  it('uploads the same bytes it writes to a local file, and sets its globals', async () => {
    const local = join(mkdtempSync(join(tmpdir(), 'json-sink-s3-')), 'out.jsonl');
    await write({ output_path: local });
    const ctx = await write({ output_path: 's3://out/run/1/out.jsonl', ...s3.options });
    expect(await s3.get('s3://out/run/1/out.jsonl')).toEqual(readFileSync(local));
    expect(ctx.globals.get('row_count')).toBe(rows);
    expect(ctx.globals.get('output_path')).toBe('s3://out/run/1/out.jsonl');
  }, 120_000);

  it('leaves no object when its input fails mid-stream', async () => {
    const failing = new MemoryArtifact(table);
    failing.batches = async function* () {
      yield* table.batches;
      throw new ModuleError('upstream failed');
    };
    await expect(write({ output_path: 's3://out/failed.jsonl', ...s3.options }, failing)).rejects.toThrow('upstream failed');
    expect(await s3.get('s3://out/failed.jsonl')).toBeUndefined();
  }, 120_000);

  it('names the endpoint when it is down, and pype check proves the target without writing', async () => {
    await expect(write({ output_path: 's3://out/x.jsonl', ...s3.options, s3_endpoint: 'http://127.0.0.1:9' })).rejects.toThrow('the object storage endpoint http://127.0.0.1:9 cannot be reached');
    expect(await jsonSink.check!({ config: { output_path: 's3://out/checked.jsonl', ...s3.options }, signal: new AbortController().signal })).toBe(`s3://out/checked.jsonl: writable at ${s3.endpoint}`);
    expect(await s3.get('s3://out/checked.jsonl')).toBeUndefined();
  }, 120_000);
});
