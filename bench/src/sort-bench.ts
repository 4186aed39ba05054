import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchFlowYaml } from './flow-yaml.js';
import { measureNode, type Measured } from './measure.js';

const JOBS = fileURLToPath(new URL('./jobs/', import.meta.url));
const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

export interface SortFigure {
  tool: string;
  runs: Measured[];
  /** Row count and order-independent checksums (verify-job). */
  fingerprint: Record<string, unknown>;
  /** Rows out of order in the file and a position-sensitive checksum (verify-sorted-job). */
  order: { out_of_order: number; positions: string };
}

/**
 * The relational case: the bench CSV sorted by `amount desc, id` into Parquet, PYpeline's
 * `csv_source → sort_mod → parquet_sink` against DuckDB's `ORDER BY` in one COPY, each tool in
 * its own process (wall time from spawn to exit, peak RSS), outputs checked for the same rows
 * in the same order. `memoryBudget` (a size, e.g. `64MB`) is sort_mod's `settings.spill.memory_budget`;
 * without it the run's default applies.
 */
export async function sortBench(csv: string, outDir: string, runs: number, threads: number, tools: string[], log: (msg: string) => void, memoryBudget?: string): Promise<SortFigure[]> {
  const figures: SortFigure[] = [];
  for (const tool of tools.filter((t) => t === 'pypeline' || t === 'duckdb')) {
    const output = join(outDir, `sort-${tool}.parquet`);
    const measured: Measured[] = [];
    for (let i = 0; i < runs; i++) {
      rmSync(output, { force: true });
      let m: Measured;
      if (tool === 'pypeline') {
        const flow = join(outDir, 'bench_sort_flow.yaml');
        writeFileSync(flow, benchFlowYaml('bench_sort', csv, output, threads, { id: 'sorted', name: 'sort_mod', required: '{ by: ["amount desc", "id"] }' }, memoryBudget));
        m = await measureNode([CLI, 'run', flow], { cwd: outDir, tmp: outDir });
      } else {
        m = await measureNode([join(JOBS, 'duckdb-sort-job.js'), csv, output], { cwd: outDir, tmp: outDir });
      }
      log(`sort / ${tool} run ${i + 1}/${runs}: ${(m.wallMs / 1000).toFixed(2)} s, peak RSS ${(m.peakRss / 2 ** 20).toFixed(0)} MiB`);
      measured.push(m);
    }
    const fingerprint = JSON.parse((await measureNode([join(JOBS, 'verify-job.js'), output], { cwd: outDir, tmp: outDir })).stdout) as Record<string, unknown>;
    const order = JSON.parse((await measureNode([join(JOBS, 'verify-sorted-job.js'), output], { cwd: outDir, tmp: outDir })).stdout) as SortFigure['order'];
    rmSync(output, { force: true });
    figures.push({ tool, runs: measured, fingerprint, order });
  }
  return figures;
}
