import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchFlowYaml } from './flow-yaml.js';
import { measureNode, type Measured } from './measure.js';

const JOBS = fileURLToPath(new URL('./jobs/', import.meta.url));
const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

/** One relational case: PYpeline's module and config, DuckDB's query, and the columns both outputs are checked on. */
interface RelationalCase {
  step: { id: string; name: string; required: string };
  /** DuckDB's SELECT over `l` (the bench CSV) and, for a join, `r` (the right CSV). */
  select: string;
  /** `name=expr` checksums for verify-columns-job (values normalised so both tools' types compare). */
  checks: string[];
}

export const RELATIONAL_CASES: Record<'groupby' | 'join' | 'distinct', RelationalCase> = {
  groupby: {
    step: { id: 'grouped', name: 'aggregate_mod', required: '{ group_by: ["name", "created"], aggregates: { n: "count(*)", total: "sum(amount)", mean_age: "avg(age)", top: "max(amount)" } }' },
    select: 'SELECT name, created, count(*) AS n, sum(amount) AS total, avg(age) AS mean_age, max(amount) AS top FROM l GROUP BY name, created',
    checks: ['name=name', 'created=created::DATE::VARCHAR', 'n=n::BIGINT', 'total=round(total::DOUBLE, 2)', 'mean_age=round(mean_age::DOUBLE, 6)', 'top=round(top::DOUBLE, 2)'],
  },
  join: {
    step: { id: 'joined', name: 'join_mod', required: '{ on: ["id"] }' },
    select: 'SELECT l.*, r.name AS name_right, r.age AS age_right, r.amount AS amount_right, r.category AS category_right, r.created AS created_right FROM l JOIN r ON l.id = r.id',
    checks: ['id=id::BIGINT', 'name=name', 'amount=round(amount::DOUBLE, 2)', 'name_right=name_right', 'age_right=age_right::BIGINT', 'amount_right=round(amount_right::DOUBLE, 2)', 'created_right=created_right::DATE::VARCHAR'],
  },
  distinct: {
    // The first row (in file order) of each name and day: DuckDB's DISTINCT ON, first by id.
    step: { id: 'unique', name: 'distinct_mod', required: '{ keys: ["name", "created"] }' },
    select: 'SELECT DISTINCT ON (name, created) * FROM l ORDER BY id',
    checks: ['id=id::BIGINT', 'name=name', 'age=age::BIGINT', 'amount=round(amount::DOUBLE, 2)', 'category=category', 'created=created::DATE::VARCHAR'],
  },
};

export interface RelationalFigure {
  tool: string;
  runs: Measured[];
  /** Row count and order-independent checksums of the output (verify-columns-job). */
  fingerprint: Record<string, unknown>;
}

/**
 * A relational case (group-by, join or distinct) on the bench CSV into Parquet: PYpeline's
 * `csv_source → <module> → parquet_sink` against DuckDB's query in one COPY, each tool in its
 * own process (wall time from spawn to exit, peak RSS), outputs checked for the same rows.
 * `rightCsv` is the join's right side; `memoryBudget` the flow's `settings.spill.memory_budget`.
 */
export async function relationalBench(name: keyof typeof RELATIONAL_CASES, csv: string, rightCsv: string | undefined, outDir: string, runs: number, threads: number, tools: string[], log: (msg: string) => void, memoryBudget?: string): Promise<RelationalFigure[]> {
  const spec = RELATIONAL_CASES[name];
  const figures: RelationalFigure[] = [];
  const quote = (path: string) => `'${path.replaceAll("'", "''")}'`;
  for (const tool of tools.filter((t) => t === 'pypeline' || t === 'duckdb')) {
    const output = join(outDir, `${name}-${tool}.parquet`);
    const measured: Measured[] = [];
    for (let i = 0; i < runs; i++) {
      rmSync(output, { force: true });
      let m: Measured;
      if (tool === 'pypeline') {
        const flow = join(outDir, `bench_${name}_flow.yaml`);
        writeFileSync(flow, benchFlowYaml(`bench_${name}`, csv, output, threads, spec.step, memoryBudget, name === 'join' ? rightCsv : undefined));
        m = await measureNode([CLI, 'run', flow], { cwd: outDir, tmp: outDir });
      } else {
        const from = `WITH l AS (SELECT * FROM read_csv(${quote(csv)}, header = true))${rightCsv && name === 'join' ? `, r AS (SELECT * FROM read_csv(${quote(rightCsv)}, header = true))` : ''}`;
        m = await measureNode([join(JOBS, 'duckdb-query-job.js'), `COPY (${from} ${spec.select}) TO ${quote(output)} (FORMAT parquet)`], { cwd: outDir, tmp: outDir });
      }
      log(`${name} / ${tool} run ${i + 1}/${runs}: ${(m.wallMs / 1000).toFixed(2)} s, peak RSS ${(m.peakRss / 2 ** 20).toFixed(0)} MiB`);
      measured.push(m);
    }
    const fingerprint = JSON.parse((await measureNode([join(JOBS, 'verify-columns-job.js'), output, ...spec.checks], { cwd: outDir, tmp: outDir })).stdout) as Record<string, unknown>;
    rmSync(output, { force: true });
    figures.push({ tool, runs: measured, fingerprint });
  }
  return figures;
}
