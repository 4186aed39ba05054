// The window case: `node dist/window-bench.js [--rows N] [--runs R] [--memory-budget SIZE]`.
// The bench CSV through `csv_source → window_mod → parquet_sink` (PYpeline's CLI) against
// DuckDB's window query in one COPY, each in its own process (wall time, peak RSS); then DuckDB
// checks that both outputs hold the same window values for every id.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDuckDb } from '@pypeline/test-services';
import { benchFlowYaml } from './flow-yaml.js';
import { generateCsv } from './generate-csv.js';
import { measureNode, type Measured } from './measure.js';

const BENCH = fileURLToPath(new URL('..', import.meta.url));
const JOBS = fileURLToPath(new URL('./jobs/', import.meta.url));
const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

/** The window: per name (about 260 partitions), by created and id; what both tools compute. */
const WINDOW = {
  required: '{ columns: { rn: "row_number()", running: "sum(amount) rows between unbounded preceding and current row", prev: "lag(amount)", rnk: "rank()" } }',
  optional: { partition_by: ['name'], order_by: ['created', 'id'] },
};

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' }, 'memory-budget': { type: 'string' }, threads: { type: 'string', default: '1' } } });
const rows = Number(values.rows);
const runs = Number(values.runs);
const outDir = join(BENCH, 'out');
mkdirSync(outDir, { recursive: true });
const csv = await generateCsv(join(BENCH, 'data'), rows);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const figures: { tool: string; runs: Measured[]; output: string }[] = [];
for (const tool of ['pypeline', 'duckdb']) {
  const output = join(outDir, `window-${tool}.parquet`);
  const measured: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    rmSync(output, { force: true });
    let m: Measured;
    if (tool === 'pypeline') {
      const flow = join(outDir, 'bench_window_flow.yaml');
      const yaml = benchFlowYaml('bench_window', csv.path, output, Number(values.threads), { id: 'win', name: 'window_mod', required: WINDOW.required }, values['memory-budget'])
        .replace('      required: { columns', `      optional: ${JSON.stringify(WINDOW.optional)}\n      required: { columns`);
      writeFileSync(flow, yaml);
      m = await measureNode([CLI, 'run', flow], { cwd: outDir, tmp: outDir });
    } else {
      m = await measureNode([join(JOBS, 'duckdb-window-job.js'), csv.path, output], { cwd: outDir, tmp: outDir });
    }
    process.stderr.write(`window / ${tool} run ${i + 1}/${runs}: ${(m.wallMs / 1000).toFixed(2)} s, peak RSS ${(m.peakRss / 2 ** 20).toFixed(0)} MiB\n`);
    measured.push(m);
  }
  figures.push({ tool, runs: measured, output });
}
const duck = await openDuckDb();
const [ours, theirs] = figures.map((f) => `'${f.output}'`);
const differing = await duck.rows(`SELECT count(*) FROM ${ours} o FULL JOIN ${theirs} d USING (id)
  WHERE o.rn IS DISTINCT FROM d.rn OR o.rnk IS DISTINCT FROM d.rnk OR o.prev IS DISTINCT FROM d.prev OR abs(o.running - d.running) > 1e-6 * greatest(abs(d.running), 1) OR (o.running IS NULL) <> (d.running IS NULL)`);
duck.close();
const wall = (f: (typeof figures)[number]) => median(f.runs.map((m) => m.wallMs));
process.stdout.write(`\nwindow: ${rows} rows, ${(csv.bytes / 1e6).toFixed(0)} MB CSV, partition_by name, order_by created, id; ${runs} runs each; window_mod memory budget ${values['memory-budget'] ?? 'default'}\n`);
console.table(figures.map((f) => ({
  tool: f.tool,
  'wall (median)': `${(wall(f) / 1000).toFixed(2)} s`,
  'peak RSS (max)': `${(Math.max(...f.runs.map((m) => m.peakRss)) / 2 ** 20).toFixed(0)} MiB`,
  'vs DuckDB': `${(wall(f) / wall(figures[1])).toFixed(2)}x`,
})));
process.stdout.write(differing[0][0] === '0' ? '✓ both outputs hold the same window values for every id\n' : `✗ ${String(differing[0][0])} ids differ\n`);
if (differing[0][0] !== '0') process.exitCode = 1;
