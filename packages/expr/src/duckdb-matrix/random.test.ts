import { expect, it } from 'vitest';
import { seededRandom } from '@pypeline/test-services';
import { generateData, toArrowTable } from './data.js';
import { MatrixDuckDb } from './duckdb.js';
import { runCase } from './run-case.js';

// Opt-in exploration beside the matrix: DUCKDB_MATRIX_FUZZ=400 [DUCKDB_MATRIX_SEED=7] runs that many random
// expressions (numbers, strings, dates, conditions nested three deep) through the same paths and
// lists every one that differs. Documented differences (FLOAT computed as DOUBLE, float literals,
// round of halves) show up here too; new kinds of difference become cases in cases.ts.
const RUNS = Number(process.env.DUCKDB_MATRIX_FUZZ ?? 0);
const rnd = seededRandom(Number(process.env.DUCKDB_MATRIX_SEED ?? 7));
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
const num = (d: number): string => d <= 0 || rnd() < 0.3 ? pick(['i', 'k', 'x', 'y', 'm', '(j // 1000000)', '2', '-3', '0.5', 'f']) : pick([
  () => `(${num(d - 1)} ${pick(['+', '-', '*'])} ${num(d - 1)})`,
  () => `abs(${num(d - 1)})`, () => `round(${num(d - 1)}, ${pick(['0', '1', '2', '-1'])})`, () => `floor(${num(d - 1)})`, () => `ceil(${num(d - 1)})`,
  () => `coalesce(${num(d - 1)}, ${num(d - 1)})`, () => `greatest(${num(d - 1)}, ${num(d - 1)})`, () => `least(${num(d - 1)}, ${num(d - 1)})`,
  () => `length(${str(d - 1)})`, () => `strpos(${str(d - 1)}, ${str(d - 1)})`, () => `year(${date(d - 1)})`, () => `day(${date(d - 1)})`,
  () => `case when ${bool(d - 1)} then ${num(d - 1)} else ${num(d - 1)} end`, () => `nullif(${num(d - 1)}, ${num(d - 1)})`, () => `sign(${num(d - 1)})`,
  () => `date_diff('day', ${date(d - 1)}, ${date(d - 1)})`,
])();
const str = (d: number): string => d <= 0 || rnd() < 0.3 ? pick(['s', 't', 'c', "'ab'", "''", "'ß'"]) : pick([
  () => `upper(${str(d - 1)})`, () => `lower(${str(d - 1)})`, () => `trim(${str(d - 1)})`, () => `concat(${str(d - 1)}, ${num(d - 1)})`,
  () => `(${str(d - 1)} || ${str(d - 1)})`, () => `substr(${str(d - 1)}, ${pick(['1', '2', '-2', 'k'])}, ${pick(['1', '3', 'k'])})`, () => `replace(${str(d - 1)}, 'a', ${str(d - 1)})`,
  () => `left(${str(d - 1)}, ${pick(['2', 'k'])})`, () => `reverse(${str(d - 1)})`, () => `lpad(${str(d - 1)}, 5, 'x')`, () => `cast(${num(d - 1)} AS varchar)`,
  () => `case when ${bool(d - 1)} then ${str(d - 1)} end`, () => `coalesce(${str(d - 1)}, ${str(d - 1)})`, () => `strftime(${date(d - 1)}, '%Y-%m-%d %H')`,
  () => `regexp_replace(${str(d - 1)}, '[a-c]', '_', 'g')`, () => `split_part(${str(d - 1)}, ' ', 2)`,
])();
const date = (d: number): string => d <= 0 || rnd() < 0.4 ? pick(['d', 'ts', 'tz']) : pick([
  () => `date_trunc('${pick(['month', 'week', 'day', 'hour', 'year'])}', ${date(d - 1)})`, () => `(${date(d - 1)} + interval '${pick(['1 day', '2 months', '3 hours', '1 year'])}')`,
  () => `last_day(${date(d - 1)})`, () => `coalesce(${date(d - 1)}, ${date(d - 1)})`, () => `greatest(${date(d - 1)}, ${date(d - 1)})`,
])();
const bool = (d: number): string => d <= 0 || rnd() < 0.2 ? pick(['b', 'i > k', 's < t', 'd < ts']) : pick([
  () => `(${num(d - 1)} ${pick(['<', '<=', '==', '!=', '>'])} ${num(d - 1)})`, () => `(${str(d - 1)} ${pick(['<', '==', '>='])} ${str(d - 1)})`,
  () => `(${bool(d - 1)} ${pick(['and', 'or'])} ${bool(d - 1)})`, () => `not ${bool(d - 1)}`, () => `(${num(d - 1)} is null)`,
  () => `(${str(d - 1)} like '${pick(['%a%', 'a_%', '%ß', ''])}')`, () => `(${str(d - 1)} ilike '${pick(['%A%', 'h%'])}')`, () => `(${num(d - 1)} between ${num(d - 1)} and ${num(d - 1)})`,
  () => `(${num(d - 1)} in (1, 2, ${num(d - 1)}))`, () => `starts_with(${str(d - 1)}, ${str(d - 1)})`, () => `(${date(d - 1)} ${pick(['<', '>='])} ${date(d - 1)})`,
])();

it.runIf(RUNS > 0)('random expressions agree with DuckDB', async () => {
  const data = generateData(seededRandom);
  const ctx = { data, table: toArrowTable(data), duck: await MatrixDuckDb.open(data) };
  const out: string[] = [];
  for (let n = 0; n < RUNS; n++) {
    const pype = pick([num, str, bool, date])(3);
    const { problems } = await runCase({ pype }, ctx);
    if (problems.length) out.push(`### ${pype}\n${problems.map((p) => `- ${p.slice(0, 400)}`).join('\n')}`);
  }
  ctx.duck.close();
  expect(out.join('\n'), `${out.length} of ${RUNS} random expressions differ from DuckDB`).toBe('');
}, 600_000);
