import { cpus, totalmem } from 'node:os';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateCsv } from './generate-csv.js';
import { measureNode, type Measured } from './measure.js';
import { profileStages } from './profile-stages.js';

const BENCH = fileURLToPath(new URL('../', import.meta.url));
const ROOT = join(BENCH, '..');
const CLI = join(ROOT, 'packages/cli/dist/bin.js');
const JOBS = fileURLToPath(new URL('./jobs/', import.meta.url));

const HELP = `pnpm bench [-- options]

  --rows N        rows in the generated CSV (default 5000000; ~47 bytes a row)
  --runs N        measured runs per tool; the median is reported (default 3)
  --tools LIST    comma-separated: pypeline,duckdb,baseline (default all three)
  --threads N     worker threads for PYpeline (default: CPU count)
  --no-profile    skip the per-stage profile of PYpeline
  --keep          keep the generated CSV in bench/data (it is reused when kept)
`;

interface Result {
  tool: string;
  runs: Measured[];
  output: string;
}

async function main(): Promise<void> {
  // `pnpm bench -- --rows N` may pass the `--` through.
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      rows: { type: 'string', default: '5000000' },
      runs: { type: 'string', default: '3' },
      tools: { type: 'string', default: 'pypeline,duckdb,baseline' },
      threads: { type: 'string', default: String(cpus().length) },
      'no-profile': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(HELP);
  const rows = Number(values.rows);
  const runs = Number(values.runs);
  const threads = Number(values.threads);
  const tools = values.tools!.split(',');
  const dataDir = join(BENCH, 'data');
  const outDir = join(BENCH, 'out');
  mkdirSync(outDir, { recursive: true });

  log(`generating ${rows} rows (deterministic; reused when present) ...`);
  const csv = await generateCsv(dataDir, rows);
  const mb = csv.bytes / 1e6;
  log(`${csv.path}: ${mb.toFixed(1)} MB`);

  const results: Result[] = [];
  for (const tool of tools) {
    const output = join(outDir, `${tool}.parquet`);
    const measured: Measured[] = [];
    for (let i = 0; i < runs; i++) {
      rmSync(output, { force: true });
      const m = await runTool(tool, csv.path, output, outDir, threads);
      log(`${tool} run ${i + 1}/${runs}: ${(m.wallMs / 1000).toFixed(2)} s, peak RSS ${(m.peakRss / 2 ** 20).toFixed(0)} MiB`);
      measured.push(m);
    }
    results.push({ tool, runs: measured, output });
  }

  const fingerprints = await Promise.all(results.map(async (r) => JSON.parse((await measureNode([join(JOBS, 'verify-job.js'), r.output], { cwd: BENCH, tmp: outDir })).stdout)));
  const same = fingerprints.every((f) => JSON.stringify(f) === JSON.stringify(fingerprints[0]));
  const duck = results.find((r) => r.tool === 'duckdb');
  const table = results.map((r) => {
    const wall = median(r.runs.map((m) => m.wallMs));
    const peak = Math.max(...r.runs.map((m) => m.peakRss));
    return {
      tool: r.tool,
      'wall (median)': `${(wall / 1000).toFixed(2)} s`,
      'rows/s': `${((rows / wall) * 1000 / 1e6).toFixed(2)} M`,
      'MB/s': ((mb / wall) * 1000).toFixed(0),
      'peak RSS': `${(peak / 2 ** 20).toFixed(0)} MiB`,
      'vs DuckDB': duck ? `${(wall / median(duck.runs.map((m) => m.wallMs))).toFixed(2)}x` : '-',
      'output': `${(statSync(r.output).size / 1e6).toFixed(0)} MB`,
      'rows out': fingerprints[results.indexOf(r)].rows,
    };
  });
  process.stdout.write(`\n${rows} rows, ${mb.toFixed(0)} MB CSV, ${runs} runs each; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
  console.table(table);
  process.stdout.write(same ? `✓ all outputs hold the same rows (count and per-column checksums via DuckDB): ${JSON.stringify(fingerprints[0])}\n` : `✗ outputs differ:\n${results.map((r, i) => `  ${r.tool}: ${JSON.stringify(fingerprints[i])}`).join('\n')}\n`);

  if (tools.includes('pypeline') && !values['no-profile']) {
    const p = await profileStages(csv.path, join(outDir, 'profile.parquet'), threads);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    process.stdout.write(`\nPYpeline stages (in process, streaming, so each is the time it adds):\n`);
    console.table([
      { stage: 'parse (csv_source)', adds: s(p.parseMs), cumulative: s(p.parseMs) },
      { stage: 'filter (filter_mod age > 18)', adds: s(p.parseFilterMs - p.parseMs), cumulative: s(p.parseFilterMs) },
      { stage: 'write (parquet_sink)', adds: s(p.allMs - p.parseFilterMs), cumulative: s(p.allMs) },
    ]);
  }
  writeFileSync(join(outDir, 'last-run.json'), JSON.stringify({ rows, mb, runs, table, fingerprints }, null, 2));
  if (!values.keep) rmSync(csv.path, { force: true });
  for (const r of results) rmSync(r.output, { force: true });
  rmSync(join(outDir, 'profile.parquet'), { force: true });
  if (!same) process.exitCode = 1;
}

async function runTool(tool: string, csv: string, output: string, tmp: string, threads: number): Promise<Measured> {
  switch (tool) {
    case 'pypeline': {
      const flow = join(tmp, 'bench_flow.yaml');
      writeFileSync(flow, flowYaml(csv, output, threads));
      return measureNode([CLI, 'run', flow], { cwd: BENCH, tmp });
    }
    case 'duckdb':
      return measureNode([join(JOBS, 'duckdb-job.js'), csv, output], { cwd: BENCH, tmp });
    case 'baseline':
      return measureNode([join(JOBS, 'baseline-job.js'), csv, output], { cwd: BENCH, tmp });
    default:
      throw new Error(`unknown tool ${tool}: use pypeline, duckdb or baseline`);
  }
}

function flowYaml(csv: string, output: string, threads: number): string {
  return `flow:
  name: bench_csv_to_parquet
settings:
  threads: ${threads}
modules:
  - id: read
    name: csv_source
    configs:
      required: { file_path: "${csv}" }
  - id: adults
    name: filter_mod
    configs:
      required: { condition: "age > 18" }
  - id: write
    name: parquet_sink
    configs:
      required: { output_path: "${output}" }
connections:
  data:
    - "read.data - adults.input"
    - "adults.output - write.input"
`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

await main();
