import { RecordBatch, Table, tableFromArrays } from 'apache-arrow';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { limitOutputs } from './row-limit.js';
import { runJob, type RunOptions } from './run-job.js';

async function runLimited(modules: string, data: string[], options: RunOptions) {
  const { jobDir } = buildFlow(writeFlow(flowYaml({ modules, data })), { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) });
  return runJob(jobDir, { searchDirs: [fixtureProject()], ...options });
}

const batch = (from: number, n: number): RecordBatch => tableFromArrays({ x: Int32Array.from({ length: n }, (_, i) => from + i) }).batches[0];

describe('limitOutputs', () => {
  it('cuts a stream at the limit and stops reading it', async () => {
    let produced = 0;
    let closed = false;
    async function* source(): AsyncGenerator<RecordBatch> {
      try {
        for (let i = 0; i < 100; i++) {
          produced++;
          yield batch(i * 10, 10);
        }
      } finally {
        closed = true;
      }
    }
    const out = limitOutputs({ out: source() }, 25).out as AsyncIterable<RecordBatch>;
    const rows: number[] = [];
    for await (const b of out) rows.push(...(b.getChild('x')!.toArray() as Int32Array));
    expect(rows).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(produced).toBe(3);
    expect(closed).toBe(true);
  });

  it('slices tables and batch lists, and leaves smaller outputs alone', () => {
    const table = new Table([batch(0, 10), batch(10, 10)]);
    const limited = limitOutputs({ t: table, l: [batch(0, 4), batch(4, 4), batch(8, 4)], small: [batch(0, 2)] }, 6);
    expect((limited.t as Table).numRows).toBe(6);
    expect((limited.l as RecordBatch[]).map((b) => b.numRows)).toEqual([4, 2]);
    expect((limited.small as RecordBatch[]).map((b) => b.numRows)).toEqual([2]);
    expect(limitOutputs({ t: table }, 50).t).toBe(table);
  });
});

describe('RunOptions.limit', () => {
  it('caps a streaming source and stops reading it there', async () => {
    // Batch 50 would fail: a run that read past the sample would fail on it.
    const r = await runLimited('  - id: src\n    name: stream_rows\n    configs: { required: { batches: 100 }, optional: { fail_at: 50 } }\n  - id: pass\n    name: pass_rows\n  - id: out\n    name: count_sink', ['src.data - pass.input', 'pass.output - out.input'], { limit: 25 });
    expect(r.status, r.errors[0]?.message).toBe('success');
    expect(r.globals['out#0.seen']).toBe(25);
    expect(r.events.findLast((e) => e.type === 'module.finished' && e.moduleId === 'src')).toMatchObject({ rowsOut: 25 });
  });

  it('caps sources only: a transform passes on what it gets', async () => {
    const r = await runLimited('  - id: src\n    name: emit_rows\n    configs: { required: { rows: 50 } }\n  - id: pass\n    name: pass_rows\n  - id: out\n    name: count_sink', ['src.data - pass.input', 'pass.output - out.input'], { limit: 20 });
    expect(r.status).toBe('success');
    expect(r.results.pass).toMatchObject({ rowsIn: 20, rowsOut: 20 });
    expect(r.globals['out#0.seen']).toBe(20);
  });

  it('refuses a limit that is not a positive whole number, and one with the cache', async () => {
    const modules = '  - id: src\n    name: emit_rows\n    configs: { required: { rows: 5 } }\n  - id: out\n    name: count_sink';
    await expect(runLimited(modules, ['src.data - out.input'], { limit: 0 })).rejects.toThrow(/row limit 0 is not a positive whole number/);
    await expect(runLimited(modules, ['src.data - out.input'], { limit: 5, cache: { dir: mkdtempSync(join(tmpdir(), 'pype-cache-')) } })).rejects.toThrow(/--cache do not go together/);
  });
});
