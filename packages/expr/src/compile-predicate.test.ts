import {
  Bool, DateDay, DateMillisecond, Dictionary, Float16, Float32, Float64, Int16, Int32, Int64, Int8, LargeUtf8, RecordBatch, Table, TimestampMicrosecond,
  TimestampMillisecond, Uint16, Uint32, Uint64, Uint8, Utf8, Utf8View,
  tableFromArrays, vectorFromArray, type DataType, type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { compilePredicate } from './compile-predicate.js';
import { ExprError } from './diagnostic.js';
import { evaluateScalar } from './evaluate-scalar.js';
import { parseExpression } from './parse.js';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

function people(nameType: DataType = new Utf8()): Table {
  return new Table({
    age: vectorFromArray([15, 18, 25, null, 40, 70], new Int32()),
    amount: vectorFromArray([10, 50.25, null, 75, 100.5, 0], new Float64()),
    name: vectorFromArray(['Bob', 'bob', 'Zoë', null, 'Ærøskøbing', '😀 smile'], nameType),
    category: vectorFromArray(['alpha', 'beta', null, 'beta', 'gamma', 'alpha'], new Dictionary(new Utf8(), new Int32())),
    big: vectorFromArray([5n, -3n, null, 2n ** 40n, 0n, 7n], new Int64()),
    active: vectorFromArray([true, false, null, true, true, false], new Bool()),
    born: vectorFromArray([day('2000-01-01'), day('1985-03-02'), null, day('1990-06-15'), day('2010-12-31'), day('1960-07-04')], new DateDay()),
    seen: vectorFromArray(
      [new Date('2024-01-31T10:00:00Z'), new Date('2024-01-31T12:00:00.500Z'), new Date('2024-02-01T00:00:00Z'), null, new Date('2023-12-31T23:59:59Z'), new Date('2024-03-01T00:00:00Z')],
      new TimestampMillisecond(),
    ),
  });
}

const VARS: Record<string, unknown> = { min: 20, who: 'Zoë', flag: false, nothing: null };
const vars = (name: string) => VARS[name];

function parse(source: string) {
  const { expr, errors } = parseExpression(source);
  expect(errors).toEqual([]);
  return expr!;
}

/** Row numbers (across batches) the compiled predicate keeps. */
function vectorRows(table: Table, source: string): number[] {
  const predicate = compilePredicate(parse(source), table.schema, vars);
  const rows: number[] = [];
  let base = 0;
  for (const batch of table.batches) {
    for (const i of predicate(batch)) rows.push(base + i);
    base += batch.numRows;
  }
  return rows;
}

/** The reference: evaluate the same text per row with the scalar evaluator, columns as variables. */
function scalarRows(table: Table, source: string): number[] {
  const expr = parse(source);
  const columns = new Map(table.schema.fields.map((f) => [f.name, { vector: table.getChild(f.name) as Vector, temporal: /^(Date|Timestamp)/.test(String(f.type)) }]));
  const rows: number[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const lookup = (name: string) => {
      const column = columns.get(name);
      if (!column) return VARS[name];
      const v = column.vector.get(i);
      return v !== null && column.temporal ? new Date(v as number) : v;
    };
    if (evaluateScalar(expr, lookup) === true) rows.push(i);
  }
  return rows;
}

const names = (table: Table, rows: number[]) => rows.map((i) => table.getChild('name')!.get(i));

describe('compilePredicate: the documented examples', () => {
  const table = people();
  it.each([
    ['age > 18', ['Zoë', 'Ærøskøbing', '😀 smile']],
    ["age > 18 and category != 'beta'", ['Ærøskøbing', '😀 smile']],
    ['not (amount * 2 >= 100.5) or name is null', ['Bob', null, '😀 smile']],
    ["lower(name) == 'bob'", ['Bob', 'bob']],
  ])('%s', (source, expected) => {
    expect(names(table, vectorRows(table, source))).toEqual(expected);
  });
});

describe('compilePredicate: SQL null semantics', () => {
  const table = people();
  it('drops rows where the condition is null', () => {
    // age is null in row 3: neither `age > 18` nor its negation keeps it.
    expect(vectorRows(table, 'age > 18')).not.toContain(3);
    expect(vectorRows(table, 'not (age > 18)')).not.toContain(3);
    expect(vectorRows(table, 'age is null')).toEqual([3]);
    expect(vectorRows(table, 'age is not null')).toEqual([0, 1, 2, 4, 5]);
  });

  it('lets false win in and, true in or', () => {
    // row 2: active is null. null and false = false; null or true = true.
    expect(vectorRows(table, 'not (active and age > 100)')).toContain(2);
    expect(vectorRows(table, 'active or age > 20')).toContain(2);
    expect(vectorRows(table, 'active or age > 100')).not.toContain(2);
  });

  it('makes division by zero null', () => {
    expect(vectorRows(table, 'age / amount is null')).toEqual([2, 3, 5]);
    expect(vectorRows(table, 'age % amount is null')).toEqual([2, 3, 5]);
  });

  it('keeps nothing for a null constant condition and everything for true', () => {
    expect(vectorRows(table, 'null')).toEqual([]);
    expect(vectorRows(table, '{{nothing}} == 1')).toEqual([]);
    expect(vectorRows(table, '1 < 2')).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('compilePredicate: types', () => {
  const table = people();
  it('compares strings bytewise, non-ASCII included', () => {
    expect(names(table, vectorRows(table, "name > 'Zz'"))).toEqual(['bob', 'Ærøskøbing', '😀 smile']);
    expect(names(table, vectorRows(table, "name == 'Zoë'"))).toEqual(['Zoë']);
    expect(names(table, vectorRows(table, "contains(name, 'øb')"))).toEqual(['Ærøskøbing']);
    expect(names(table, vectorRows(table, 'length(name) = 7'))).toEqual(['😀 smile']);
  });

  it('reads int64 columns', () => {
    expect(vectorRows(table, 'big > 1000000')).toEqual([3]);
    expect(vectorRows(table, 'big < 0 or big = 0')).toEqual([1, 4]);
  });

  it('compares dates and timestamps with ISO strings and each other', () => {
    expect(vectorRows(table, "born < '1990-06-15'")).toEqual([1, 5]);
    expect(vectorRows(table, "born = '1990-06-15'")).toEqual([3]);
    expect(vectorRows(table, "seen > '2024-01-31T12:00:00Z' and seen < '2024-02-01'")).toEqual([1]);
    expect(vectorRows(table, 'born < seen')).toEqual([0, 1, 4, 5]);
  });

  it('handles timestamps in microseconds', () => {
    const t = new Table({ at: vectorFromArray([new Date('2024-01-01T00:00:00Z'), new Date('2024-06-01T00:00:00Z')], new TimestampMicrosecond()) });
    expect(vectorRows(t, "at > '2024-03-01'")).toEqual([1]);
  });

  it('reads every numeric column type', () => {
    const types: [DataType, unknown[]][] = [
      [new Int8(), [-5, 0, 2, null]], [new Int16(), [-5, 0, 2, null]], [new Int32(), [-5, 0, 2, null]], [new Int64(), [-5n, 0n, 2n, null]],
      [new Uint8(), [250, 0, 2, null]], [new Uint16(), [65000, 0, 2, null]], [new Uint32(), [4e9, 0, 2, null]], [new Uint64(), [2n ** 63n, 0n, 2n, null]],
      [new Float16(), [-5.5, 0, 2, null]], [new Float32(), [-5.5, 0, 2, null]], [new Float64(), [-5.5, 0, 2, null]],
    ];
    for (const [type, values] of types) {
      const t = new Table({ x: vectorFromArray(values, type) });
      expect(vectorRows(t, 'x > 1'), String(type)).toEqual(values[0] === -5 || values[0] === -5n || values[0] === -5.5 ? [2] : [0, 2]);
      expect(vectorRows(t, 'x = 0 or x is null'), String(type)).toEqual([1, 3]);
    }
  });

  it('matches float32 columns against the float32 nearest a literal', () => {
    const t = new Table({ x: vectorFromArray([0.1, 0.2], new Float32()) });
    expect(vectorRows(t, 'x = 0.1')).toEqual([0]);
    expect(vectorRows(t, 'x <= 0.1')).toEqual([0]);
  });

  it('reads millisecond dates and takes Date or ISO variables', () => {
    const t = new Table({ d: vectorFromArray([day('2024-01-30'), day('2024-01-31'), null], new DateMillisecond()) });
    expect(vectorRows(t, "d >= '2024-01-31'")).toEqual([1]);
    const predicate = (v: unknown) => compilePredicate(parse('d < {{cutoff}}'), t.schema, () => v)(t.batches[0]);
    expect(Array.from(predicate(day('2024-01-31')))).toEqual([0]);
    expect(Array.from(predicate('2024-01-31T00:00:01Z'))).toEqual([0, 1]);
  });

  it('resolves variables once, as constants', () => {
    let calls = 0;
    const predicate = compilePredicate(parse('age > {{min}} and {{min}} > 0'), table.schema, (n) => (calls++, VARS[n]));
    predicate(table.batches[0]);
    predicate(table.batches[0]);
    expect(calls).toBe(1);
  });

  it('works with tableFromArrays, whose strings are dictionary-encoded', () => {
    const t = tableFromArrays({ city: ['Köln', 'Bonn', 'Köln', 'Aachen'], n: Float64Array.of(1, 2, 3, 4) });
    expect(vectorRows(t, "city == 'Köln' and n > 1")).toEqual([2]);
    expect(vectorRows(t, "upper(city) in ('KÖLN', 'AACHEN')")).toEqual([0, 2, 3]);
  });
});

const DIFFERENTIAL = [
  'age > 18', 'age >= 18', 'age < 40', 'age <= 40', 'age == 25', 'age != 25', 'age = 25', 'age <> 25', '18 < age', '40 >= age',
  "age > 18 and category != 'beta'", 'not (amount * 2 >= 100.5) or name is null', "lower(name) == 'bob'", "upper(name) == 'ZOË'", "upper(category) = 'BETA'",
  'amount + age > 50', 'amount - age < 0', 'age * amount >= 1000', 'amount / age > 1', 'amount % 7 = 1', 'age / (amount - amount) is null', '-age < -20', '-(amount) <= -50',
  '100 / amount > 1', '100 - age > 60', '100 % age = 10',
  'big > 3', 'big * 2 = 10', 'big < age', 'big in (5, 7, 0)',
  'active', 'not active', 'active and age > 20', 'active or age > 20', 'active = true', 'active != false', 'active is null', 'not (active or amount > 60)', '!active or !(age > 20)',
  "name > 'a'", "name < 'Z'", "name >= 'Zoë'", "name == 'Zoë'", "name != 'Zoë'", 'name < category', 'name = category', "category >= 'beta'", "'beta' < category", "category <= 'beta'",
  "name in ('Bob', 'Zoë', '😀 smile')", "category in ('alpha', null)", "category not in ('alpha', 'gamma')", "name not in ('Bob', null)", 'age in (15, 40, null)',
  'age not in (15, 40)', 'amount in (age, 75)', "name in (category, 'bob')", 'age in (1,2,3,4,5,6,7,8,9,10,15,25)', "name in ('', 'bob')",
  'length(name) > 3', 'length(category) == 4', "starts_with(name, 'Zo')", "ends_with(name, 'ing')", "contains(name, 'ø')", "contains(category, 'ph')",
  "starts_with(category, 'g')", "contains('alphabet', category)", 'ends_with(name, category)', "starts_with(name, '')",
  'abs(amount - 60) < 20', 'round(amount) = 50', 'round(amount, 1) == 50.3', 'round(amount / 3, -1) = 30', 'abs(big) > 4',
  "coalesce(name, category) = 'beta'", "coalesce(name, 'none') == 'none'", 'coalesce(age, 0) = 0', 'coalesce(amount, age, -1) > 20', 'coalesce(active, false)',
  "coalesce(category, name) < 'b'", "coalesce(null, category) = 'alpha'",
  "born >= '2000-01-01'", "born < '1990-06-15'", "born = '1985-03-02'", "seen > '2024-01-31T12:00:00Z'", "seen <= '2024-02-01'", 'born < seen',
  "born in ('1985-03-02', '2000-01-01')", "coalesce(born, seen) > '2020-01-01'", "'2000-01-01' <= born",
  '{{min}} < age', '{{who}} == name', '{{flag}} or age > 60', '{{nothing}} is null and age > 20', '{{nothing}} and active', '{{nothing}} or active',
  'active and {{nothing}}', 'not ({{nothing}} or active)', 'age > {{min}} + 5', "lower({{who}}) = lower(name)",
  'true', 'false', 'null', '1 = 1 and age > 20', 'null and age > 20', 'null or age > 20', 'age > null', 'age + null is null',
];

function differential(label: string, table: Table) {
  describe(`compilePredicate agrees with evaluateScalar: ${label}`, () => {
    it.each(DIFFERENTIAL)('%s', (source) => {
      expect(vectorRows(table, source)).toEqual(scalarRows(table, source));
    });
  });
}

differential('plain batch', people());
differential('sliced batch (non-zero offsets)', people().slice(1, 6));
differential('LargeUtf8 names', people(new LargeUtf8()));
differential('Utf8View names', people(new Utf8View()));
const shared = people();
differential('several batches', new Table([...shared.batches, ...shared.slice(2).batches, ...shared.slice(3, 5).batches]));
differential('1000 random rows, sliced at odd offsets', randomPeople(1000).slice(13, 990));

/** Seeded so failures reproduce. */
function randomPeople(n: number): Table {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const maybe = <T,>(v: T) => (rand() < 0.1 ? null : v);
  const col = <T,>(f: () => T) => Array.from({ length: n }, () => maybe(f()));
  const pool = ['Bob', 'bob', 'Zoë', 'Ærøskøbing', '😀 smile', '', 'alpha', 'beta', 'gam', 'ZOË', 'zoe', '\uFFFD'];
  return new Table({
    age: vectorFromArray(col(() => Math.floor(rand() * 90)), new Int32()),
    amount: vectorFromArray(col(() => (rand() < 0.1 ? 0 : Math.round(rand() * 20000) / 100)), new Float64()),
    name: vectorFromArray(col(() => pick(pool)), new Utf8()),
    category: vectorFromArray(col(() => pick(['alpha', 'beta', 'gamma', 'beta'])), new Dictionary(new Utf8(), new Int32())),
    big: vectorFromArray(col(() => BigInt(Math.floor(rand() * 2e6) - 1e6)), new Int64()),
    active: vectorFromArray(col(() => rand() < 0.5), new Bool()),
    born: vectorFromArray(col(() => new Date(Date.UTC(1950 + Math.floor(rand() * 70), 0, 1 + Math.floor(rand() * 365)))), new DateDay()),
    seen: vectorFromArray(col(() => new Date(Date.UTC(2023, 6, 1) + Math.floor(rand() * 400 * 86400) * 1000)), new TimestampMillisecond()),
  });
}

describe('compilePredicate: errors', () => {
  const table = people();
  const failure = (source: string, v?: (name: string) => unknown): ExprError => {
    try {
      compilePredicate(parse(source), table.schema, v);
    } catch (e) {
      if (e instanceof ExprError) return e;
      throw e;
    }
    throw new Error('expected an ExprError');
  };

  it('throws ExprError with every diagnostic', () => {
    const e = failure("nme == 'x' and agee > 1");
    expect(e.diagnostics.map((d) => d.message)).toEqual(['unknown column `nme`', 'unknown column `agee`']);
    expect(e.message).toContain('did you mean `name`?');
  });

  it('checks variable values against the columns they meet', () => {
    expect(failure('age > {{who}}', vars).message).toContain('cannot compare an integer with a string');
    expect(failure('age > {{missing}}', vars).message).toContain('unknown variable {{missing}}');
    expect(failure('age > {{min}}').message).toContain('{{min}} is used but no variables were given');
    expect(failure('born > {{who}}', vars).diagnostics[0]).toMatchObject({ message: "cannot cast 'Zoë' (VARCHAR) to TIMESTAMP", start: 7, end: 14 });
  });

  it('refuses a batch whose columns changed type', () => {
    const predicate = compilePredicate(parse('age > 1'), table.schema);
    const other = new Table({ age: vectorFromArray(['x'], new Utf8()) });
    expect(() => predicate(other.batches[0] as RecordBatch)).toThrow('column `age` is a string in this batch, but the condition was compiled for an integer');
  });
});
