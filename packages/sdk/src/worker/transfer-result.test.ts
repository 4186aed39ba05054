import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestContext } from '../testing/index.js';

// A pool thread's result made with transferResult reaches the caller whole, and the pool thread
// is left holding nothing: the buffers it kept a reference to are detached there. (With
// SharedArrayBuffers, memory lived on until the idle pool thread happened to collect it.)
const BUILT = pathToFileURL(fileURLToPath(new URL('../../dist/worker/index.js', import.meta.url))).href;
const dir = mkdtempSync(join(tmpdir(), 'transfer-result-'));
const worker = join(dir, 'worker.mjs');
writeFileSync(
  worker,
  `import { transferResult } from ${JSON.stringify(BUILT)};
let kept = [];
export default function build({ n }) {
  const values = Float64Array.from({ length: n }, (_, i) => i / 2);
  const bytes = new Uint8Array(n).fill(7);
  kept = [values, bytes];
  return transferResult({ values, bytes, rows: n }, [values.buffer, bytes.buffer]);
}
export function keptBytes() {
  return kept.map((a) => a.byteLength);
}
export function empty() {
  return transferResult({ none: new Uint8Array(0) }, [new ArrayBuffer(0)]);
}
`,
);

const pool = new Piscina({ filename: worker, maxThreads: 1, minThreads: 1 });
afterAll(() => pool.destroy());

describe('transferResult', () => {
  it('moves the buffers to the caller: whole there, detached in the pool thread', async () => {
    const result = (await pool.run({ n: 100_000 })) as { values: Float64Array; bytes: Uint8Array; rows: number };
    expect(result.rows).toBe(100_000);
    expect(result.values).toBeInstanceOf(Float64Array);
    expect(result.values[99_999]).toBe(49_999.5);
    expect(result.bytes.every((b) => b === 7)).toBe(true);
    expect(result.values.buffer).toBeInstanceOf(ArrayBuffer);
    expect(await pool.run({}, { name: 'keptBytes' })).toEqual([0, 0]);
  }, 60_000);

  it('passes a result without buffers to move (empty ones are not transferable) as it is', async () => {
    expect(await pool.run({}, { name: 'empty' })).toEqual({ none: new Uint8Array(0) });
  }, 60_000);

  it('arrives the same way through the test context pool', async () => {
    const ctx = createTestContext({ config: {} });
    const result = (await ctx.pool.run<{ values: Float64Array; rows: number }>({ n: 10 }, { filename: worker })).values;
    expect(Array.from(result)).toEqual(Array.from({ length: 10 }, (_, i) => i / 2));
  }, 60_000);
});
