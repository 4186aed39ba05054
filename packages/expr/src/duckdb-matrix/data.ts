import {
  Bool, DateDay, Decimal, Dictionary, Float32, Float64, Int32, Int64, Table, TimestampMillisecond, Uint64, Utf8, makeData, makeVector, vectorFromArray,
  type DataType, type Vector,
} from 'apache-arrow';

/**
 * The table both engines read: the same rows as an Arrow table (for PYpeline) and as SQL (for
 * DuckDB). Each column starts with hand-picked edge values (one per row, nulls included), then
 * seeded random values with about one null in eight, so every run sees the same data.
 */
export type Cell = number | bigint | string | boolean | Date | null;

export interface MatrixColumn {
  name: string;
  /** The column's type in DuckDB's CREATE TABLE. */
  sql: string;
  arrow: () => DataType;
  /** What the column is for, shown when a case differs. */
  about: string;
  edges: Cell[];
  random: (rnd: () => number) => Cell;
  /** The value given as a `{{variable}}` when the cell itself cannot be one (UBIGINT beyond 64 bits: its text). */
  variable?: (cell: Cell) => unknown;
  /** Builds the Arrow vector when vectorFromArray cannot (decimals, given as their text). */
  vector?: (cells: Cell[]) => Vector;
}

export const ROWS = 192;
const SEED = 0x5eed15;

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const instant = (iso: string) => new Date(`${iso}Z`);
const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
const int = (rnd: () => number, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

const WORDS = ['alpha', 'Beta', 'GAMMA', 'straße', 'Ærø', 'naïve', 'x_y', '50%', 'a b', ' lead', 'trail ', '', 'ǅemal', 'İzmir', 'ΣΊΣΥΦΟΣ', '日本', '😀ok', 'o\'neil'];

export const COLUMNS: readonly MatrixColumn[] = [
  {
    name: 'i', sql: 'INTEGER', arrow: () => new Int32(), about: 'small 32-bit integers with zero and negatives',
    edges: [0, 1, -1, 2, -2, 7, -7, 3, 100, null, 10, -100],
    random: (r) => int(r, -120, 120),
  },
  {
    name: 'k', sql: 'INTEGER', arrow: () => new Int32(), about: 'divisors and digit counts, often zero',
    edges: [0, 2, -3, 1, null, 3, -1, 0, 5, 2],
    random: (r) => int(r, -4, 4),
  },
  {
    name: 'j', sql: 'BIGINT', arrow: () => new Int64(), about: 'Int64 near 2^53 and at the extremes',
    edges: [9007199254740993n, 9007199254740992n, -9007199254740993n, 9223372036854775807n, -9223372036854775808n, 0n, -1n, 2147483648n, null, 4611686018427387904n, 12345n],
    random: (r) => (r() < 0.5 ? BigInt(int(r, -1e6, 1e6)) : BigInt(int(r, -1e6, 1e6)) * 1000000007n + 9007199254740000n * BigInt(int(r, -900, 900))),
  },
  {
    name: 'x', sql: 'DOUBLE', arrow: () => new Float64(), about: 'floats with halves, -0.0 and values that round badly in binary',
    edges: [0.5, 1.5, 2.5, -2.5, -0.5, 1.005, 2.675, -0, 0, 1e300, -1e-300, 123456.789, null, 0.125, -1.5, 1234.5],
    random: (r) => (r() < 0.3 ? int(r, -400, 400) / 2 : Math.round((r() * 2000 - 1000) * 1e6) / 1e6),

    variable: negativeZeroAsText,
  },
  {
    name: 'y', sql: 'DOUBLE', arrow: () => new Float64(), about: 'a second float, sometimes zero',
    edges: [2, 0, -0, -3.5, 0.1, null, 1e-3, 4, 1],
    random: (r) => (r() < 0.15 ? 0 : Math.round((r() * 200 - 100) * 1e3) / 1e3),

    variable: negativeZeroAsText,
  },
  {
    name: 'z', sql: 'DOUBLE', arrow: () => new Float64(), about: 'NaN and infinities',
    edges: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, null, Number.NaN, 0],
    random: (r) => pick(r, [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, 1, -1, 2.5]),
  },
  {
    name: 's', sql: 'VARCHAR', arrow: () => new Utf8(), about: 'strings: unicode, empty, spaces, % and _',
    edges: ['straße', '', ' ', '  padded  ', 'Hello', 'HELLO', 'a%b', 'a_b', '100%', 'ÀÉÎ', 'émoji 😀', "it's", 'İstanbul', 'ǅ', null, 'abc', '-12', 'ΣΑΣ', 'hello world', 'x'],
    random: (r) => Array.from({ length: int(r, 1, 3) }, () => pick(r, WORDS)).join(pick(r, ['', ' ', '-', '_'])),
  },
  {
    name: 't', sql: 'VARCHAR', arrow: () => new Utf8(), about: 'short strings to search for: prefixes, %, _, empty',
    edges: ['str', '', 'ß', '%', '_', 'He', 'HELLO', null, 'b', 'a', 'Hello', 'é', 'xyz'],
    random: (r) => pick(r, ['a', 'al', 'e', '', 'ß', 'Ø', '%', '_', 'GAMMA', 'ok', ' ', 'x_y']),
  },
  {
    name: 'b', sql: 'BOOLEAN', arrow: () => new Bool(), about: 'true, false and null',
    edges: [true, false, null, true, false, null, false, true, null],
    random: (r) => r() < 0.5,
  },
  {
    name: 'd', sql: 'DATE', arrow: () => new DateDay(), about: 'dates: leap days, before 1970, DST change days',
    edges: [day('2024-02-29'), day('1970-01-01'), day('1969-12-31'), day('1900-03-01'), day('2000-02-29'), day('2023-03-26'), day('2024-03-10'), day('2024-12-31'), null, day('1582-10-15'), day('2100-02-28'), day('2024-01-01')],
    random: (r) => new Date(Date.UTC(int(r, 1900, 2100), 0, 1) + int(r, 0, 365) * 86400000),
  },
  {
    name: 'ts', sql: 'TIMESTAMP', arrow: () => new TimestampMillisecond(), about: 'timestamps (no zone): DST boundaries, leap day, before 1970, milliseconds',
    edges: [instant('2024-03-31T01:00:00'), instant('2024-10-27T00:59:59.999'), instant('2024-03-10T10:00:00'), instant('2024-02-29T23:59:59.999'), instant('1969-12-31T23:59:59.999'),
      instant('1960-01-01T00:00:00'), instant('1970-01-01T00:00:00'), null, instant('2000-01-01T12:34:56.789'), instant('2023-12-31T23:59:59'), instant('1999-12-31T23:00:00.5')],
    random: (r) => new Date(Date.UTC(1950, 0, 1) + Math.floor(r() * 100 * 365.25 * 86400000)),
  },
  {
    name: 'tz', sql: 'TIMESTAMPTZ', arrow: () => new TimestampMillisecond('Europe/Amsterdam'), about: 'zoned timestamps (Arrow zone Europe/Amsterdam, DuckDB TIMESTAMPTZ in a UTC session)',
    edges: [instant('2024-03-31T00:59:59.999'), instant('2024-03-31T01:00:00'), instant('2024-10-27T01:00:00'), null, instant('1969-12-31T23:00:00'), instant('2024-02-29T23:30:00')],
    random: (r) => new Date(Date.UTC(1990, 0, 1) + Math.floor(r() * 50 * 365.25 * 86400000)),
  },
  {
    name: 'c', sql: 'VARCHAR', arrow: () => new Dictionary(new Utf8(), new Int32()), about: 'a dictionary-encoded string column (few distinct values)',
    edges: ['alpha', null, 'Beta', 'straße', '', 'a_b', '%'],
    random: (r) => pick(r, ['alpha', 'Beta', 'GAMMA', 'straße', 'x_y', '']),
  },
  {
    name: 'm', sql: 'DECIMAL(12,3)', arrow: () => new Decimal(3, 12, 128), about: 'DECIMAL(12,3) (Arrow Decimal128), written as text',
    edges: ['1.005', '-2.500', '0.000', '999999999.999', '-999999999.999', '0.001', null, '123.450', '-0.001'],
    random: (r) => (int(r, -2_000_000, 2_000_000) / 1000).toFixed(3),
    vector: (cells) => decimalVector(cells, 3, 12),
  },
  {
    name: 'u', sql: 'UBIGINT', arrow: () => new Uint64(), about: 'UBIGINT (Arrow Uint64) up to 2^64-1',
    edges: [0n, 18446744073709551615n, 9223372036854775808n, 9223372036854775807n, 1n, null, 9007199254740993n],
    random: (r) => BigInt(int(r, 0, 1e9)),
    variable: (cell) => (cell === null ? null : String(cell)),
  },
  {
    name: 'f', sql: 'FLOAT', arrow: () => new Float32(), about: 'FLOAT (Arrow Float32): 0.1 is 0.10000000149011612',
    edges: [Math.fround(0.1), Math.fround(-2.5), Math.fround(1.005), null, Math.fround(3.4e38), 0, Math.fround(16777217)],
    random: (r) => Math.fround(int(r, -100000, 100000) / 100),
  },
];

/** A `{{variable}}` holding -0 would be the integer 0 (a whole number), so -0.0 goes as text to cast back. */
function negativeZeroAsText(cell: Cell): unknown {
  return Object.is(cell, -0) ? '-0.0' : cell;
}

export interface MatrixData {
  /** Row `r` of column `c` is `values[c][r]`; `id` is the row number. */
  values: Map<string, Cell[]>;
  rows: number;
}

/** The matrix's rows, drawn from `random` (a generator seeded with SEED, e.g. test-services' seededRandom). */
export function generateData(random: (seed: number) => () => number): MatrixData {
  const rnd = random(SEED);
  const values = new Map<string, Cell[]>();
  values.set('id', Array.from({ length: ROWS }, (_, r) => r));
  for (const col of COLUMNS) {
    const cells: Cell[] = [];
    for (let r = 0; r < ROWS; r++) {
      // Draw even when not used so adding an edge value does not shift every other column.
      const drawn = col.random(rnd);
      const isNull = rnd() < 0.125;
      cells.push(r < col.edges.length ? col.edges[r] : isNull ? null : drawn);
    }
    values.set(col.name, cells);
  }
  return { values, rows: ROWS };
}

export function toArrowTable(data: MatrixData): Table {
  const vectors = Object.fromEntries([
    ['id', vectorFromArray(data.values.get('id')!, new Int32())],
    ...COLUMNS.map((c) => [c.name, c.vector ? c.vector(data.values.get(c.name)!) : vectorFromArray(data.values.get(c.name)!, c.arrow())]),
  ]);
  return new Table(vectors);
}

export function createTableSql(table: string): string {
  return `CREATE TABLE ${table} (id INTEGER, ${COLUMNS.map((c) => `${c.name} ${c.sql}`).join(', ')})`;
}

export function insertSql(table: string, data: MatrixData): string {
  const rows: string[] = [];
  for (let r = 0; r < data.rows; r++) {
    const cells = [String(r), ...COLUMNS.map((c) => sqlLiteral(data.values.get(c.name)![r], c.sql))];
    rows.push(`(${cells.join(', ')})`);
  }
  return `INSERT INTO ${table} VALUES ${rows.join(',\n')}`;
}

/** A cell as a DuckDB literal of the column's type; doubles go through their shortest round-trip text. */
export function sqlLiteral(v: Cell, sqlType: string): string {
  if (v === null) return `NULL::${sqlType}`;
  if (v instanceof Date) {
    const iso = v.toISOString();
    if (sqlType === 'DATE') return `DATE '${iso.slice(0, 10)}'`;
    return sqlType === 'TIMESTAMPTZ' ? `TIMESTAMPTZ '${iso.slice(0, 23).replace('T', ' ')}+00'` : `TIMESTAMP '${iso.slice(0, 23).replace('T', ' ')}'`;
  }
  if (typeof v === 'string') return sqlType === 'VARCHAR' ? `'${v.replaceAll("'", "''")}'` : `'${v}'::${sqlType}`;
  if (typeof v === 'number' && (sqlType === 'DOUBLE' || sqlType === 'FLOAT')) return `'${Object.is(v, -0) ? '-0.0' : String(v)}'::DOUBLE`;
  // Quoted, so -9223372036854775808 is read as one number rather than negating one too large.
  return `'${String(v)}'::${sqlType}`;
}

/** Decimal128 from decimal text ('-2.500'): the unscaled value as four little-endian 32-bit words, two's complement. */
function decimalVector(cells: Cell[], scale: number, precision: number): Vector {
  const words = new Uint32Array(cells.length * 4);
  const valid = new Uint8Array(Math.ceil(cells.length / 8));
  cells.forEach((cell, i) => {
    if (cell === null) return;
    valid[i >> 3] |= 1 << (i & 7);
    const [whole, frac = ''] = String(cell).split('.');
    let x = BigInt.asUintN(128, BigInt(whole + frac.padEnd(scale, '0')));
    for (let w = 0; w < 4; w++) {
      words[i * 4 + w] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
  });
  const nullCount = cells.filter((c) => c === null).length;
  return makeVector(makeData({ type: new Decimal(scale, precision, 128), length: cells.length, nullCount, nullBitmap: valid, data: words }));
}
