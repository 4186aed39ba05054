// csv_source → csv_sink through the built CLI: DuckDB reads the written file back equal to the
// input (EXCEPT ALL both ways), with quotes, delimiters and line breaks inside fields, unicode,
// nulls apart from empty strings, decimals, timestamps, booleans and 64-bit integers.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWithDuckDb } from './read-with-duckdb.js';
import { pype, ROOT } from './scaffold-helpers.js';

const ROWS = 500;

/** A CSV DuckDB writes: its own quoting of the awkward text, nulls as empty fields, "" as empty strings. */
async function writeInput(path: string): Promise<void> {
  const text = `CASE i % 7 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'say "hi", ☃ 🎉' WHEN 3 THEN 'two' || chr(10) || 'lines' WHEN 4 THEN 'naïve; ümlaut' ELSE 'row ' || i END`;
  await readWithDuckDb(`COPY (SELECT
    i AS id,
    CASE WHEN i % 11 = 5 THEN NULL ELSE 9007199254740993 + i * 1000003 END AS big,
    CASE WHEN i % 13 = 5 THEN NULL ELSE round((i - 250) * 1.25, 2) END AS amount,
    CASE WHEN i % 9 = 5 THEN NULL ELSE i % 2 = 0 END AS ok,
    CASE WHEN i % 5 = 4 THEN NULL ELSE TIMESTAMP '2024-01-31 08:30:15.25' + INTERVAL (i * 3601) SECOND END AS seen_at,
    ${text} AS note
  FROM range(${ROWS}) r(i)) TO '${path}' (HEADER, DELIMITER ',')`);
}

describe('csv_source → csv_sink through pype run', () => {
  it('writes a CSV that DuckDB reads back equal to the input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-csv-csv-'));
    const input = join(dir, 'in.csv');
    const output = join(dir, 'out', 'copy.csv');
    await writeInput(input);
    const flow = join(dir, 'copy.yaml');
    writeFileSync(flow, `flow:\n  name: csv_copy\nmodules:
  - id: read
    name: csv_source
    configs: { required: { file_path: ${JSON.stringify(input)} } }
  - id: write
    name: csv_sink
    configs: { required: { output_path: ${JSON.stringify(output)} }, optional: { line_ending: crlf } }
connections:
  data: ["read.data - write.input"]
`);
    const r = pype(['run', flow, '--log-file', join(dir, 'run.jsonl')], ROOT);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(readdirSync(join(dir, 'out'))).toEqual(['copy.csv']);
    expect(readFileSync(output, 'utf8').split('\r\n')[0]).toBe('id,big,amount,ok,seen_at,note');

    // The input as DuckDB reads its own file; the output with the same column types.
    const columns = `{'id': 'BIGINT', 'big': 'BIGINT', 'amount': 'DOUBLE', 'ok': 'BOOLEAN', 'seen_at': 'TIMESTAMP', 'note': 'VARCHAR'}`;
    const read = (path: string) => `read_csv('${path}', header = true, columns = ${columns}, allow_quoted_nulls = false)`;
    expect(await readWithDuckDb(`SELECT count(*) AS n FROM ${read(output)}`)).toEqual([{ n: String(ROWS) }]);
    expect(await readWithDuckDb(`SELECT * FROM ${read(input)} EXCEPT ALL SELECT * FROM ${read(output)}`)).toEqual([]);
    expect(await readWithDuckDb(`SELECT * FROM ${read(output)} EXCEPT ALL SELECT * FROM ${read(input)}`)).toEqual([]);
    // Nulls and empty strings stayed apart, and 2^53 + 1 is exact.
    const counts = await readWithDuckDb(`SELECT count(*) FILTER (note IS NULL) AS nulls, count(*) FILTER (note = '') AS empties, max(big) AS top FROM ${read(output)}`);
    expect(counts).toEqual([{ nulls: String(Math.ceil(ROWS / 7)), empties: String(Math.floor((ROWS - 1) / 7) + 1), top: String(9007199254740993n + 499n * 1000003n) }]);
  }, 180_000);
});
