// Reads a Parquet output with DuckDB and prints its row count and an order-independent checksum
// per given expression: `node verify-columns-job.js <file.parquet> <name=expr>...`, e.g.
// `total=round(total::DOUBLE, 2)` (values normalised so that both tools' outputs compare).
import { DuckDBInstance } from '@duckdb/node-api';

const [file, ...columns] = process.argv.slice(2);
if (!file || columns.length === 0) throw new Error('usage: verify-columns-job.js <file.parquet> <name=expr>...');
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const sums = columns.map((c) => {
  const at = c.indexOf('=');
  return `sum(hash(${c.slice(at + 1)})) AS "${c.slice(0, at)}"`;
});
const sql = `SELECT count(*) AS rows, ${sums.join(', ')} FROM read_parquet('${file.replaceAll("'", "''")}')`;
const [row] = (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
conn.closeSync();
process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k === 'rows' ? Number(v) : String(v)]))));
