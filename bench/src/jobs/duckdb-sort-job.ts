// The DuckDB peer of the sort case: `node duckdb-sort-job.js <csv> <out.parquet>`, CSV → ORDER BY amount DESC, id → Parquet in one COPY.
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, output] = process.argv.slice(2);
if (!csv || !output) throw new Error('usage: duckdb-sort-job.js <csv> <out.parquet>');
const sql = (s: string) => s.replaceAll("'", "''");
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
await conn.run(`COPY (SELECT * FROM read_csv('${sql(csv)}', header = true) ORDER BY amount DESC NULLS LAST, id ASC NULLS LAST) TO '${sql(output)}' (FORMAT parquet)`);
conn.closeSync();
