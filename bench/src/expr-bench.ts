/**
 * Micro-benchmark of the expression kernels: filters and derived columns over Int32, Int64 and
 * Float64 columns of 1M rows in 64k-row batches, median of several runs.
 *
 *   pnpm --filter @pypeline/bench expr-bench [-- --module /path/to/other/expr/dist/index.js]
 *
 * `--module` runs the same cases against another build of @pypeline/expr (e.g. main's), to see
 * whether a change made the kernels slower.
 */
import { Float64, Int32, Int64, RecordBatch, Table, makeData, makeVector, type Schema, type Vector } from 'apache-arrow';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

interface ExprModule {
  parseExpression(source: string): { expr: unknown };
  compilePredicate(expr: never, schema: Schema): (batch: RecordBatch) => Uint32Array;
  compileValue(expr: never, schema: Schema): (batch: RecordBatch) => Vector;
}

const ROWS = 1 << 20;
const BATCH = 1 << 16;

function data(): Table {
  let seed = 42;
  const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const a = Int32Array.from({ length: ROWS }, () => Math.floor(random() * 1000));
  const x = Float64Array.from({ length: ROWS }, () => random());
  const j = BigInt64Array.from({ length: ROWS }, () => BigInt(Math.floor(random() * 1e6)));
  const batches: RecordBatch[] = [];
  for (let o = 0; o < ROWS; o += BATCH) {
    batches.push(new Table({
      a: makeVector(makeData({ type: new Int32(), length: BATCH, data: a.subarray(o, o + BATCH) })),
      x: makeVector(makeData({ type: new Float64(), length: BATCH, data: x.subarray(o, o + BATCH) })),
      j: makeVector(makeData({ type: new Int64(), length: BATCH, data: j.subarray(o, o + BATCH) })),
    }).batches[0]);
  }
  return new Table(batches);
}

const FILTERS = ['a > 500', 'x > 0.5', 'j > 500000', 'a > 100 and x < 0.9', 'a * 2 + 1 > 1000', 'x * 2.5 > 1', 'a in (1, 5, 500, 999)'];
const DERIVES = ['a * 2 + 1', 'x * 2.5 + a', 'j + 1'];

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2).filter((v) => v !== '--'), options: { module: { type: 'string' }, runs: { type: 'string', default: '15' } } });
  const mod = (await import(values.module ? pathToFileURL(values.module).href : '@pypeline/expr')) as ExprModule;
  const table = data();
  const runs = Number(values.runs);
  const rows: string[] = [];
  const time = (name: string, run: () => void) => {
    run(); // warm-up
    const ms: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      run();
      ms.push(performance.now() - t0);
    }
    const m = median(ms);
    rows.push(`| \`${name}\` | ${m.toFixed(2)} | ${(ROWS / m / 1000).toFixed(0)} |`);
  };
  for (const source of FILTERS) {
    const predicate = mod.compilePredicate(mod.parseExpression(source).expr as never, table.schema);
    time(`filter ${source}`, () => { for (const b of table.batches) predicate(b); });
  }
  for (const source of DERIVES) {
    let kernel: ((b: RecordBatch) => Vector) | null = null;
    try {
      kernel = mod.compileValue(mod.parseExpression(source).expr as never, table.schema);
    } catch {
      rows.push(`| \`derive ${source}\` | n/a | n/a |`);
      continue;
    }
    const k = kernel;
    time(`derive ${source}`, () => { for (const b of table.batches) k(b); });
  }
  console.log(`${values.module ?? '@pypeline/expr'}: ${ROWS} rows in batches of ${BATCH}, median of ${runs} runs\n`);
  console.log('| case | ms | Mrows/s |\n|---|---|---|');
  console.log(rows.join('\n'));
}

await main();
