// Reads a Parquet output of the sort case with DuckDB, in file order, and prints the rows out of
// order for `amount desc, id` (0 when sorted) and the position-sensitive checksum of `id`.
import { DuckDBInstance } from '@duckdb/node-api';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: verify-sorted-job.js <file.parquet>');
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const sql = `WITH t AS (SELECT file_row_number AS n, amount::DOUBLE AS amount, id::BIGINT AS id FROM read_parquet('${file.replaceAll("'", "''")}', file_row_number = true)),
  p AS (SELECT amount, id, lag(amount) OVER (ORDER BY n) AS pa, lag(id) OVER (ORDER BY n) AS pi, n FROM t)
  SELECT count(*) FILTER (WHERE pa < amount OR (pa = amount AND pi >= id)) AS out_of_order,
    sum(hash(n, id)) AS positions FROM p`;
const [row] = (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
conn.closeSync();
process.stdout.write(JSON.stringify({ out_of_order: Number(row.out_of_order), positions: String(row.positions) }));
