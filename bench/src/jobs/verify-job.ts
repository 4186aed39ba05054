// Reads a Parquet output with DuckDB and prints its row count and order-independent per-column
// checksums (values normalised, so an integer or date written with another width still matches).
import { DuckDBInstance } from '@duckdb/node-api';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: verify-job.js <file.parquet>');
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const sql = `SELECT count(*) AS rows,
  sum(hash(id::BIGINT)) AS id, sum(hash(name)) AS name, sum(hash(age::BIGINT)) AS age,
  sum(hash(round(amount::DOUBLE, 2))) AS amount, sum(hash(category)) AS category,
  sum(hash(strftime(created::DATE, '%Y-%m-%d'))) AS created
  FROM read_parquet('${file.replaceAll("'", "''")}')`;
const [row] = (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
conn.closeSync();
process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k === 'rows' ? Number(v) : String(v)]))));
