import { fileURLToPath } from 'node:url';
import { Bool, Float64, Int64, Table, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { formatFloat } from '@pypeline/expr';
import { MemoryArtifact, ModuleError, toTable, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { openDuckDb, type TestDuckDb } from '@pypeline/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import selectMod from './index.js';
import type { CastType, Config } from './config.js';

// select_mod's casts against DuckDB's TRY_CAST over a matrix of values and target types. The one
// deliberate difference: blank text is null in select_mod (as csv_source reads it); DuckDB's
// TRY_CAST('' AS INTEGER) is null too, but TRY_CAST('  ' AS INTEGER) is null as well, so both agree here.

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const TEXTS = ['-2.5', '2.5', '0.5', '-0.5', '1.5', '1e3', ' 12 ', 'abc', '', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809',
  '2147483647', '2147483648', '-2147483648.4', 'true', 'F', 'yes', 'n', '2024-01-31', '2024-01-31 08:30:00', '2024-02-30', '3.14159', '-0', '☃ü', '0x10', '27', null];
const FLOATS = [27, -2.5, 2.5, 0.5, 3.5, 0.1, 1e16, -1e-5, 2147483647.5, 1e300, -0, 123456.789, null];
const INTS = [0n, -1n, 9007199254740993n, 2147483648n, -9223372036854775808n, null];
const BOOLS = [true, false, null];
const TARGETS: CastType[] = ['string', 'int32', 'int64', 'float64', 'boolean', 'date', 'timestamp'];
const SQL: Record<CastType, string> = { string: 'VARCHAR', int32: 'INTEGER', int64: 'BIGINT', float64: 'DOUBLE', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP' };
// How each result is compared: as DuckDB's text of it (timestamps as epoch milliseconds).
const AS_TEXT: Record<CastType, (sql: string) => string> = {
  string: (x) => x, int32: (x) => `${x}::VARCHAR`, int64: (x) => `${x}::VARCHAR`, float64: (x) => `${x}::VARCHAR`,
  boolean: (x) => `${x}::VARCHAR`, date: (x) => `${x}::VARCHAR`, timestamp: (x) => `epoch_ms(${x})::VARCHAR`,
};

function ourText(v: unknown, to: CastType): string | null {
  if (v === null) return null;
  if (to === 'float64') return formatFloat(v as number);
  if (to === 'date') return new Date(v as number).toISOString().slice(0, 10);
  return String(v);
}

let duck: TestDuckDb;

async function cast(values: unknown[], type: DataType, to: CastType): Promise<(string | null)[]> {
  const ctx = createTestContext<Config>({ config: { cast: { v: to }, on_cast_error: 'null' }, manifest: MANIFEST, moduleId: 'sel' });
  const input = new Table({ v: vectorFromArray(values, type) });
  const out = await toTable(((await selectMod.run({ input: new MemoryArtifact(input) }, ctx)) as ModuleOutputs).output);
  return [...out.getChild('v')!].map((v) => ourText(v, to));
}

const sqlLiteral = (v: unknown, type: string) => (v === null ? `NULL::${type}` : typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : `'${Object.is(v, -0) ? '-0.0' : String(v)}'::${type}`);

describe('select_mod casts match DuckDB TRY_CAST', () => {
  beforeAll(async () => {
    duck = await openDuckDb();
  });
  afterAll(() => duck.close());

  it.each([
    ['text', TEXTS, new Utf8(), 'VARCHAR'],
    ['doubles', FLOATS, new Float64(), 'DOUBLE'],
    ['64-bit integers', INTS, new Int64(), 'BIGINT'],
    ['booleans', BOOLS, new Bool(), 'BOOLEAN'],
  ] as const)('from %s to every type', async (_name, values, type, sqlType) => {
    const mismatches: string[] = [];
    for (const to of TARGETS) {
      const source = `(SELECT * FROM (VALUES ${values.map((v, i) => `(${i}, ${sqlLiteral(v, sqlType)})`).join(', ')}) t(i, v))`;
      const query = duck.rows(`SELECT ${AS_TEXT[to](`TRY_CAST(v AS ${SQL[to]})`)} FROM ${source} ORDER BY i`);
      const ours = await cast([...values], type, to);
      const theirs = (await query).map((r) => r[0] as string | null);
      values.forEach((v, i) => {
        // WARNING: DuckDB 1.5 casts 2147483647.5 to INTEGER as -2147483648 (it rounds half to even
        // to 2^31 and wraps); 2^31 does not fit, so select_mod's cast fails (null here).
        if (v === 2147483647.5 && to === 'int32' && ours[i] === null && theirs[i] === '-2147483648') return;
        if (ours[i] !== theirs[i]) mismatches.push(`${String(v)} → ${to}: ours ${ours[i]}, DuckDB ${theirs[i]}`);
      });
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('fails naming the row, column and value when asked to', async () => {
    const ctx = createTestContext<Config>({ config: { cast: { big: 'int64' } }, manifest: MANIFEST, moduleId: 'sel' });
    const input = new Table({ big: vectorFromArray(['1', '9223372036854775808'], new Utf8()) });
    const error = await selectMod.run({ input: new MemoryArtifact(input) }, ctx).then((o) => toTable((o as ModuleOutputs).output)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toBe('select_mod: row 2, column "big": cannot cast "9223372036854775808" to int64');
  });
});
