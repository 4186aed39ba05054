import { Bool, DateDay, Float64, Int64, Table, TimestampMillisecond, Utf8, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { compileValue } from './compile-value.js';
import { evaluateScalar } from './evaluate-scalar.js';
import { FUNCTIONS, type FunctionSpec, type Param } from './functions.js';
import { parseExpression } from './parse.js';

/**
 * Every function of the table, with every argument in turn a column and a constant: the vector
 * kernel's result on each row must equal the scalar evaluator's result for that row's values
 * written as literals (nulls included), and a row the scalar evaluator refuses must fail the batch.
 * Results are compared as `cast(… AS varchar)`, which shows every digit and type.
 */

interface Pool {
  arrow: DataType;
  values: unknown[];
  literal: (v: unknown) => string;
}

const iso = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '').replace(/\.000$/, '');
const POOLS: Record<string, Pool> = {
  string: { arrow: new Utf8(), values: ['hello', 'Straße', '', 'a,b,c', '  x ', null, '😀x', 'ABC123', 'l'], literal: (v) => `'${String(v).replace(/[\\']/g, '\\$&')}'` },
  integer: { arrow: new Int64(), values: [0n, 1n, 2n, -2n, 5n, null, 3n], literal: (v) => String(v) },
  float: { arrow: new Float64(), values: [0.5, 2, -1.5, 10.25, null, 3], literal: (v) => `cast('${String(v)}' AS double)` },
  boolean: { arrow: new Bool(), values: [true, false, null], literal: (v) => String(v) },
  date: { arrow: new DateDay(), values: [new Date('2024-01-31T00:00:00Z'), new Date('2023-12-31T00:00:00Z'), null, new Date('2024-03-10T00:00:00Z')],
    literal: (v) => `date '${(v as Date).toISOString().slice(0, 10)}'` },
  timestamp: { arrow: new TimestampMillisecond(), values: [new Date('2024-01-31T23:59:59.500Z'), new Date('2024-03-31T01:30:00Z'), null, new Date('1969-12-31T12:00:00Z')],
    literal: (v) => `timestamp '${iso(v as Date)}'` },
};
const text = (values: (string | null)[]): Pool => ({ ...POOLS.string, values });
const UNITS = text(['year', 'month', 'day', 'hour', 'week', 'quarter', 'minute', null]);
const OVERRIDES: Record<string, (Pool | null)[]> = {
  date_part: [text(['year', 'month', 'dayofweek', 'dayofyear', 'week', 'second', 'isodow', null])],
  date_trunc: [UNITS],
  date_diff: [UNITS],
  date_sub: [UNITS],
  strftime: [null, text(['%Y-%m-%d', '%d/%m/%Y %H:%M:%S.%f', '%A %B %j', null])],
  strptime: [text(['2024-01-31', '31/01/2024', 'x', null]), text(['%Y-%m-%d', '%d/%m/%Y'])],
  try_strptime: [text(['2024-01-31', '31/01/2024', 'x', null]), text(['%Y-%m-%d', '%d/%m/%Y'])],
  regexp_matches: [null, text(['l+', '[0-9]+', '^a', 'ß', null]), text(['', 'i'])],
  regexp_full_match: [null, text(['[a-z]+', '.*', null]), text(['', 'i'])],
  regexp_replace: [null, text(['l', '[0-9]', '(b)', null]), text(['-', '<\\1>', '']), text(['', 'g', 'gi'])],
  regexp_extract: [null, text(['([a-z]+)([0-9]*)', 'l', null])],
  make_date: [{ ...POOLS.integer, values: [2024n, 2023n, 1999n, null] }, { ...POOLS.integer, values: [1n, 2n, 12n, null] }, { ...POOLS.integer, values: [1n, 28n, 29n, null] }],
  make_timestamp: [{ ...POOLS.integer, values: [2024n, 1999n] }, { ...POOLS.integer, values: [1n, 12n] }, { ...POOLS.integer, values: [1n, 28n, null] },
    { ...POOLS.integer, values: [0n, 23n] }, { ...POOLS.integer, values: [0n, 59n] }, { ...POOLS.float, values: [0, 1.5, 59.25] }],
  chr: [{ ...POOLS.integer, values: [65n, 0x1f600n, 97n, null] }],
  repeat: [null, { ...POOLS.integer, values: [0n, 1n, 3n, -1n, null] }],
  lpad: [null, { ...POOLS.integer, values: [0n, 3n, 8n, null] }, text(['0', 'xy', ''])],
  rpad: [null, { ...POOLS.integer, values: [0n, 3n, 8n, null] }, text(['.', 'xy', ''])],
  round: [null, { ...POOLS.integer, values: [0n, 1n, 2n, -1n, null] }],
};

/** The pool variants to try for one parameter kind. */
function variants(p: Param, fn: FunctionSpec): string[] {
  switch (p) {
    case 'numeric': return ['integer', 'float'];
    case 'temporal': case 'timestamp': return ['date', 'timestamp'];
    case 'any': return fn.unifyArgs ? ['integer', 'string'] : ['string', 'integer'];
    case 'interval': return ['interval'];
    default: return [p];
  }
}

const INTERVALS = ["interval '1 month'", "interval '2 days 3 hours'", "interval '-1 year'"];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const ROWS = 16;

function runCase(fn: FunctionSpec, kinds: string[], columnMask: number, random: () => number) {
  const columns: Record<string, Vector> = {};
  const rows: string[][] = Array.from({ length: ROWS }, () => []);
  const args: string[] = [];
  kinds.forEach((kind, i) => {
    if (kind === 'interval') {
      const lit = INTERVALS[Math.floor(random() * INTERVALS.length)];
      args.push(lit);
      rows.forEach((r) => r.push(lit));
      return;
    }
    const pool = OVERRIDES[fn.name]?.[i] ?? POOLS[kind];
    const lit = (v: unknown) => (v === null ? `cast(null AS ${kind === 'integer' ? 'bigint' : kind === 'float' ? 'double' : kind === 'string' ? 'varchar' : kind})` : pool.literal(v));
    if (columnMask & (1 << i)) {
      const values = Array.from({ length: ROWS }, () => pool.values[Math.floor(random() * pool.values.length)]);
      columns[`c${i}`] = vectorFromArray(values, pool.arrow);
      args.push(`c${i}`);
      rows.forEach((r, k) => r.push(lit(values[k])));
    } else {
      const v = pool.values[Math.floor(random() * pool.values.length)];
      args.push(lit(v));
      rows.forEach((r) => r.push(lit(v)));
    }
  });
  const call = (a: string[]) => `cast(${fn.name}(${a.join(', ')}) AS varchar)`;
  const expected: (string | null | Error)[] = rows.map((r) => {
    try {
      return evaluateScalar(parseExpression(call(r)).expr!, () => undefined) as string | null;
    } catch (e) {
      return e as Error;
    }
  });
  if (Object.keys(columns).length === 0) columns.pad = vectorFromArray(Array.from({ length: ROWS }, () => 1), new Float64());
  const table = new Table(columns);
  const source = call(args);
  const { expr, errors } = parseExpression(source);
  expect(errors, source).toEqual([]);
  let got: (string | null)[] | Error;
  try {
    const kernel = compileValue(expr!, table.schema);
    got = table.batches.flatMap((b) => [...kernel(b)] as (string | null)[]);
  } catch (e) {
    got = e as Error;
  }
  const failed = expected.find((x) => x instanceof Error);
  if (failed) {
    expect(got, `${source}: the scalar evaluator failed (${failed.message}) but the vector one did not`).toBeInstanceOf(Error);
    return;
  }
  if (got instanceof Error) throw new Error(`${source}: the vector evaluator failed: ${got.message}; scalar: ${JSON.stringify(expected)}`);
  got.forEach((v, i) => expect(v, `${source} row ${i}: ${rows[i].join(', ')}`).toBe(expected[i]));
}

describe('every function: vector kernel == scalar evaluator, row by row, any argument constant or column', () => {
  for (const fn of FUNCTIONS) {
    if (fn.deterministic === false) continue;
    const arity = Math.min(fn.maxArgs, Math.max(fn.minArgs, fn.params.length));
    const params = Array.from({ length: arity }, (_, i) => fn.params[Math.min(i, fn.params.length - 1)]);
    const kindLists = [0, 1].map((v) => params.map((p) => { const vs = variants(p, fn); return vs[Math.min(v, vs.length - 1)]; }));
    const unique = [...new Map(kindLists.map((k) => [k.join(','), k])).values()];
    it.each(unique.map((k) => [k.join(', '), k] as const))(`${fn.name}(%s)`, (_label, kinds) => {
      const random = rng(fn.name.length * 7919 + kinds.length);
      for (let mask = 1; mask < 1 << kinds.length; mask++) runCase(fn, kinds, mask, random);
    });
  }
});

describe('the reference examples', () => {
  const cases = FUNCTIONS.flatMap((f) => f.examples.map(([source, result]) => [f.name, source, result] as const));
  it.each(cases)('%s: %s = %s', (_name, source, result) => {
    const run = (s: string) => evaluateScalar(parseExpression(s).expr!, () => undefined);
    expect(run(source)).toEqual(run(result));
  });
});
