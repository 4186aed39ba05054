import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, type MatrixCase } from './cases.js';
import { missingCoverage } from './coverage.js';
import { COLUMNS, generateData, toArrowTable } from './data.js';
import { MatrixDuckDb } from './duckdb.js';
import { runCase, type MatrixContext } from './run-case.js';

// The language against DuckDB, row by row, on generated data with nulls (issue #15). Each case
// runs through compileValue on the batch and on a slice of it, through evaluateScalar row by row,
// and folded to a constant; see cases.ts for how a known difference is marked.
// DUCKDB_MATRIX_REPORT=file.md writes every marked difference with its rows to that file.

const DOCS = fileURLToPath(new URL('../../../../docs/functions.md', import.meta.url));
const data = generateData();
const table = toArrowTable(data);
const marked: { c: MatrixCase; problems: string[] }[] = [];
let ctx: MatrixContext;

beforeAll(async () => {
  ctx = { data, table, duck: await MatrixDuckDb.open(data) };
}, 120_000);

afterAll(() => {
  ctx?.duck.close();
  if (process.env.DUCKDB_MATRIX_REPORT) writeFileSync(process.env.DUCKDB_MATRIX_REPORT, report());
});

describe('expressions against DuckDB', { timeout: 60_000 }, () => {
  it.each(CASES.map((c) => [c.pype, c] as const))('%s', async (_, c) => {
    const { problems } = await runCase(c, ctx);
    if (!c.difference) {
      expect(problems.join('\n'), `\`${c.pype}\` differs from DuckDB \`${c.sql ?? c.pype}\``).toBe('');
      return;
    }
    marked.push({ c, problems });
    const why = 'pending' in c.difference ? c.difference.pending : c.difference.documented;
    expect(problems.length, `\`${c.pype}\` is marked as differing from DuckDB (${why}) but now agrees: remove the mark in cases.ts`).toBeGreaterThan(0);
  });
});

describe('the matrix covers the language', () => {
  it('has a case for every function, expression kind, operator and spelling', () => {
    expect(missingCoverage(CASES), 'add a case to src/duckdb-matrix/cases.ts for each').toEqual([]);
  });

  it('has no case twice', () => {
    const seen = CASES.map((c) => c.pype);
    expect(seen.filter((p, i) => seen.indexOf(p) !== i)).toEqual([]);
  });

  it('generates deterministic data with nulls in every column', () => {
    const again = generateData();
    for (const col of COLUMNS) {
      expect(again.values.get(col.name)).toEqual(data.values.get(col.name));
      expect(data.values.get(col.name)!.some((v) => v === null), `${col.name} has nulls`).toBe(true);
    }
  });

  it.runIf(existsSync(DOCS))('names every documented difference in docs/functions.md', () => {
    const docs = readFileSync(DOCS, 'utf8').toLowerCase();
    const absent = CASES.flatMap((c) => (c.difference && 'docs' in c.difference && !docs.includes(c.difference.docs.toLowerCase()) ? [`${c.pype}: "${c.difference.docs}"`] : []));
    expect(absent, 'docs/functions.md must explain each documented difference from SQL').toEqual([]);
  });
});

function report(): string {
  const lines = ['# Differences the DuckDB matrix marks', ''];
  for (const { c, problems } of marked) {
    const why = 'pending' in c.difference! ? `pending: ${c.difference.pending}` : `documented: ${c.difference!.documented}`;
    lines.push(`## \`${c.pype}\`${c.sql ? ` (DuckDB: \`${c.sql}\`)` : ''}`, '', `- ${why}`, ...problems.map((p) => `- ${p}`), '');
  }
  return lines.join('\n');
}
