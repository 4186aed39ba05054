// The DuckDB peer of the window case: `node duckdb-window-job.js <csv> <out.parquet>`, CSV → the window functions → Parquet in one COPY.
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, output] = process.argv.slice(2);
if (!csv || !output) throw new Error('usage: duckdb-window-job.js <csv> <out.parquet>');
const sql = (s: string) => s.replaceAll("'", "''");
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
await conn.run(`COPY (SELECT *, row_number() OVER w AS rn, sum(amount) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
  lag(amount) OVER w AS prev, rank() OVER w AS rnk
  FROM read_csv('${sql(csv)}', header = true) WINDOW w AS (PARTITION BY name ORDER BY created, id)) TO '${sql(output)}' (FORMAT parquet)`);
conn.closeSync();
