// The object-storage contract every file sink meets, as one suite each sink's test file runs:
// an s3:// output_path gets what the same sink writes to a local file; a failed input leaves
// no object; a down endpoint is named; `pype check` proves the target without writing.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError, type AnyModuleDefinition } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import { useLocalS3 } from './local-s3.js';

export interface S3SinkSuite {
  /** The module, e.g. csv_sink's default export. */
  module: AnyModuleDefinition;
  /** Its generated manifest (defaults and schema for the test context). */
  manifest: string;
  /** File extension of its output, e.g. `csv`. */
  ext: string;
  /** Asserts that the uploaded object holds what the local file does; default: the same bytes. */
  same?: (object: Buffer, localPath: string) => Promise<void>;
}

const ROWS = 5000;
const table = new Table({
  id: vectorFromArray(Array.from({ length: ROWS }, (_, i) => BigInt(i) * 3_000_000_000n), new Int64()),
  name: vectorFromArray(Array.from({ length: ROWS }, (_, i) => (i % 7 ? `name ${i}, "é"` : null)), new Utf8()),
  score: vectorFromArray(Array.from({ length: ROWS }, (_, i) => i / 8), new Float64()),
});

export function describeS3Sink(suite: S3SinkSuite): void {
  const { module: sink, ext } = suite;
  const s3 = useLocalS3(['out']);
  const write = async (config: Record<string, unknown>, data = new MemoryArtifact(table)) => {
    const ctx = createTestContext({ config, manifest: suite.manifest, moduleId: 'sink' });
    await sink.run({ input: data }, ctx);
    return ctx;
  };
  const same = suite.same ?? (async (object: Buffer, localPath: string) => expect(object).toEqual(readFileSync(localPath)));

  describe(`${sink.name} to s3://`, () => {
    it('uploads what it writes to a local file, and sets its globals', async () => {
      const local = join(mkdtempSync(join(tmpdir(), `${sink.name}-s3-`)), `out.${ext}`);
      await write({ output_path: local });
      const url = `s3://out/run/1/out.${ext}`;
      const ctx = await write({ output_path: url, ...s3.options });
      const object = await s3.get(url);
      expect(object).toBeDefined();
      await same(object!, local);
      expect(ctx.globals.get('row_count')).toBe(ROWS);
      expect(ctx.globals.get('output_path')).toBe(url);
    }, 120_000);

    it('leaves no object when its input fails mid-stream', async () => {
      const failing = new MemoryArtifact(table);
      failing.batches = async function* () {
        yield* table.batches;
        throw new ModuleError('upstream failed');
      };
      await expect(write({ output_path: `s3://out/failed.${ext}`, ...s3.options }, failing)).rejects.toThrow('upstream failed');
      expect(await s3.get(`s3://out/failed.${ext}`)).toBeUndefined();
    }, 120_000);

    it('names the endpoint when it is down, and pype check proves the target without writing', async () => {
      await expect(write({ output_path: `s3://out/x.${ext}`, ...s3.options, s3_endpoint: 'http://127.0.0.1:9' })).rejects.toThrow('the object storage endpoint http://127.0.0.1:9 cannot be reached');
      const checked = await sink.check!({ config: { output_path: `s3://out/checked.${ext}`, ...s3.options }, signal: new AbortController().signal });
      expect(checked).toBe(`s3://out/checked.${ext}: writable at ${s3.endpoint}`);
      expect(await s3.get(`s3://out/checked.${ext}`)).toBeUndefined();
    }, 120_000);
  });
}
