import { isDecimal, sqlName, type ExprType } from './expr-type.js';
import { FUNCTIONS, type Category, type FunctionSpec, type Param } from './functions.js';
import { TYPE_NAMES_HINT } from './type-names.js';

const CATEGORIES: [Category, string][] = [
  ['string', 'Strings'],
  ['regex', 'Regular expressions'],
  ['math', 'Numbers'],
  ['null', 'Nulls'],
  ['date', 'Dates and times'],
];

const SAMPLE: Record<Param, ExprType[]> = {
  string: ['string'], integer: ['integer'], float: ['float'], numeric: ['integer', 'float', 'decimal(10,2)'], boolean: ['boolean'],
  timestamp: ['timestamp'], temporal: ['date', 'timestamp'], date: ['date'], interval: ['interval'], any: ['integer', 'string'],
};

/** The result type as the reference states it: fixed, or following an argument. */
function returns(f: FunctionSpec): string {
  const arity = Math.max(f.minArgs, Math.min(f.params.length, f.maxArgs));
  const params = Array.from({ length: arity }, (_, i) => f.params[Math.min(i, f.params.length - 1)]);
  const results = new Set<string>();
  for (let v = 0; v < 3; v++) {
    const args = params.map((p) => SAMPLE[p][Math.min(v, SAMPLE[p].length - 1)]);
    const r = f.result(args, []);
    results.add(typeof r === 'string' && (isDecimal(r as ExprType) || /^[a-z]+$/.test(r)) ? sqlName(r as ExprType) : String(r));
  }
  if (f.name === 'date_part') return "BIGINT (DOUBLE for 'epoch')";
  if (results.size === 1) return [...results][0];
  if (f.unifyArgs) return 'the arguments\' common type';
  if (f.name === 'floor' || f.name === 'ceil' || f.name === 'trunc') return 'type of x (DECIMAL(p, 0) for decimals)';
  if (f.name === 'mod') return 'BIGINT for integers, else DOUBLE';
  return 'type of x';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/functions.md: generated from the function table, checked for staleness by functions-doc.test.ts. */
export function functionsMarkdown(): string {
  const out: string[] = [];
  out.push(`<!-- Generated from packages/expr/src/functions.ts and functions-doc.ts; do not edit. Regenerate: pnpm --filter @pypeline/expr gen:docs -->

# Expression language reference

Filters (\`filter_mod\`'s \`condition\`), derived columns (\`derive_mod\`'s \`columns\`), streaming
filters and derives, and valve conditions on control connections all use one expression
language: SQL's scalar layer, with [DuckDB](https://duckdb.org/docs/sql/functions/overview) as the
reference for names and semantics. Expressions are parsed, type-checked against the columns they
read (so \`pype validate\` reports mistakes before anything runs), constant parts are folded, and
the rest is compiled to vectorised kernels over Apache Arrow batches.

## Syntax

| form | meaning |
|---|---|
| \`42\`, \`-7\`, \`9007199254740993\` | an integer (BIGINT, exact to 64 bits) |
| \`2.5\`, \`1e3\` | a float (DOUBLE) — see [differences](#differences-from-duckdb) |
| \`'text'\`, \`"text"\` | a string; \`''\` is a quote (\`'it''s'\`), and \`\\n \\t \\r \\0 \\\\ \\' \\" \\uXXXX\` are escapes; any other backslash stays as written, so a regular expression reads as in DuckDB: \`'\\d+'\` |
| \`true\`, \`false\`, \`null\` | literals |
| \`date '2024-01-31'\`, \`timestamp '2024-01-31 08:30:00'\`, \`interval '3 days'\` | typed literals |
| \`name\`, \`\\\`unit price\\\`\` | a column (backticks for names with spaces or that are keywords) |
| \`{{context.env}}\`, \`{{load__rows}}\` | a template variable, read once when the step starts |
| \`+ - * /\` | arithmetic; \`/\` is always float division |
| \`//\` | integer division (truncates towards zero), integers only |
| \`%\` | remainder, with the sign of the left side |
| \`\\|\\|\` | string concatenation (\`first \\|\\| ' ' \\|\\| last\`); null if either side is null — \`concat()\` skips nulls |
| \`= == != <> < <= > >=\` | comparison |
| \`and\`, \`or\`, \`not\`, \`&&\`, \`!\` | three-valued logic (null = unknown) |
| \`x [not] in (a, b, …)\` | membership; \`1 in (2, null)\` is null |
| \`x [not] between a and b\` | \`a <= x and x <= b\` (bounds included) |
| \`s [not] like 'a%'\`, \`s [not] ilike 'A_c'\` | \`%\` any text, \`_\` one character; ILIKE compares \`lower()\` of both sides; \`like 'a!%' escape '!'\` |
| \`x is [not] null\` | null test (never null itself) |
| \`a is [not] distinct from b\` | equality where null equals null (never null itself) |
| \`extract(year FROM t)\` | \`date_part('year', t)\` |
| \`position(sub IN s)\` | \`strpos(s, sub)\` |
| \`case when c then v … [else e] end\` | the first true condition's value; no match and no else gives null |
| \`case x when a then v … end\` | the simple form: \`x = a\` |
| \`if(c, a, b)\` | \`case when c then a else b end\` |
| \`cast(x AS type)\`, \`x::type\` | conversion; an error when a value cannot be converted |
| \`try_cast(x AS type)\` | conversion giving null instead of an error |

Precedence, loosest first: \`or\`; \`and\`; \`not\`; comparisons, \`in\`, \`between\`, \`like\`, \`is\`;
\`||\`; \`+ -\`; \`* / // %\`; unary \`-\`; \`::\`.

**\`||\` changed meaning.** It used to be a synonym of \`or\`; it is now SQL's concatenation. A flow
that still writes \`a || b\` with true/false values gets the error "\`||\` joins strings; it is no
longer \`or\`" with the hint to write \`or\`.

Keywords (\`case when then else end between like ilike escape as and or not is in null true false\`)
cannot be bare column names; quote such a column with backticks. \`date\`, \`timestamp\` and
\`interval\` are only keywords when a string follows them, so a column named \`date\` reads as usual.

## Types

| type | what | Arrow type of a derived column | read from Arrow |
|---|---|---|---|
| BIGINT | exact 64-bit integer | Int64 | Int8…Int64, UInt8…UInt64 |
| DOUBLE | 64-bit float | Float64 | Float16, Float32, Float64 |
| DECIMAL(p, s) | exact decimal | Decimal128(p, s) | Decimal128 |
| VARCHAR | UTF-8 text | Utf8 | Utf8, LargeUtf8, Utf8View, string dictionaries |
| BOOLEAN | true/false | Bool | Bool |
| DATE | a calendar day | Date32 (DateDay) | Date32, Date64 |
| TIMESTAMP | an instant, microseconds, UTC | Timestamp(microsecond) | Timestamp of any unit and zone (as UTC) |
| INTERVAL | months, days and microseconds | — (use it with a date; cannot be a column) | — |

- **Integers stay integers.** \`a + 1\`, \`a * b\`, \`a % b\`, \`a // b\` of integers are BIGINT, computed
  exactly (\`j = 9007199254740992\` is false for j = 9007199254740993). Integers within ±2^53 run in
  double-precision loops and are recomputed in 64-bit only when a result leaves that range.
  **Overflow is an error** naming the expression ("integer overflow in 9223372036854775807 + 1"),
  as in DuckDB; cast to DOUBLE or DECIMAL to go beyond. \`/\` gives a DOUBLE.
- **Decimals are exact**: \`+ - %\` keep the larger scale, \`*\` adds the scales (DuckDB's rules); an
  integer meeting a decimal becomes DECIMAL(19, 0); a decimal meeting a float becomes a DOUBLE; \`/\`
  gives a DOUBLE. A result beyond 38 digits is an error.
- **Dates and timestamps** (DuckDB's rules): \`date ± integer\` is a date (days); \`date - date\` a
  BIGINT of days; \`date/timestamp ± interval\` a timestamp (months are added on the calendar,
  clamping to the month's end: Jan 31 + 1 month = Feb 29 in 2024); \`timestamp - timestamp\` an
  interval. Everything is UTC: there are no time zones, so daylight-saving changes never move a
  value (\`timestamp '2024-03-31 01:30:00' + interval '1 hour'\` is 02:30 in every zone's sense).
  A date meets a timestamp or an ISO string (\`born >= '2024-01-01'\`) as a timestamp.
- **Implicit casts**: integers to decimals and floats, decimals to floats, dates to timestamps,
  ISO text to dates/timestamps where compared with them. Nothing else: \`age > '18'\` is an error
  (cast one side).
- **Division by zero** (\`/\`, \`//\`, \`%\`, \`mod\`) gives null.
- A function is null when any argument is null, except \`coalesce\`, \`ifnull\`, \`nullif\`,
  \`concat\`, \`concat_ws\` (a null separator gives null), \`greatest\` and \`least\` (they skip nulls).
- \`cast\` accepts ${TYPE_NAMES_HINT}. As in DuckDB, a DOUBLE rounds half to even to an integer
  (\`cast(2.5::double AS bigint)\` = 2) while decimals and text round half away from zero
  (\`cast('2.5' AS bigint)\` = 3); a DOUBLE becomes a DECIMAL(p, s) as x · 10^s in double arithmetic rounded
  half away from zero (2.675 → 2.68; 1.005 → 1.00, since 1.005 · 100 = 100.49999…); a value out of the target's range is an error (null with
  \`try_cast\`); text is trimmed; booleans read true/false/t/f/yes/no/1/0.

## Functions
`);
  for (const [cat, title] of CATEGORIES) {
    out.push(`### ${title}\n`);
    out.push('| function | returns | description | example |');
    out.push('|---|---|---|---|');
    for (const f of FUNCTIONS.filter((x) => x.category === cat)) {
      const aliases = f.aliases?.length ? `<br>also: ${f.aliases.map((a) => `\`${a}\``).join(', ')}` : '';
      const example = f.examples.map(([e, r]) => `\`${e}\` → \`${r}\``).join('<br>');
      out.push(`| \`${cell(f.signature)}\`${aliases} | ${cell(returns(f))} | ${cell(f.description)}${f.differs ? ' ¹' : ''} | ${cell(example)} |`);
    }
    out.push('');
  }
  out.push(`¹ differs from DuckDB; see below.

## Differences from DuckDB

Checked by a test matrix against DuckDB on generated data with nulls. Where the language differs
on purpose:

- **Float literals**: \`1.5\` is a DOUBLE here, a DECIMAL in DuckDB. Write \`cast('1.005' AS decimal(4, 3))\`
  for an exact decimal constant.
- **Division by zero**: \`x / 0\` is null here; DuckDB gives ±Infinity (NaN for 0 / 0) for \`/\`, NaN
  for \`%\` of a DOUBLE, and null for \`//\` and for \`%\` of integers, as here.
- **Integer types**: every integer is BIGINT (DuckDB keeps INTEGER for INTEGER + INTEGER), so derived
  integer columns are Int64.
- **\`//\`** accepts integers only (DuckDB also accepts floats, where it is plain division).
- **Regular expressions** use JavaScript's engine (Unicode mode) instead of RE2: the syntax is almost
  the same (RE2's POSIX classes \`[[:alpha:]]\` and \`\\pL\` are translated); lookbehind and backreferences
  work here, RE2's \`\\C\` does not. In \`regexp_replace\`, \`\\1\` is the first group, as in DuckDB.
- **Strings** also take the escapes \`\\n \\t \\r \\0 \\\\ \\' \\" \\uXXXX\`; DuckDB's standard strings do not, so a
  literal backslash before one of those letters is written \`\\\\\` here. Every other backslash (\`'\\d'\`, \`'\\1'\`) is kept, as in DuckDB.
- **Time zones**: timestamps are UTC instants; \`now()\` is a TIMESTAMP (DuckDB: TIMESTAMP WITH TIME ZONE).
  A column with a zone (DuckDB's TIMESTAMPTZ) is read as its UTC instant and written as text without
  a zone (\`2024-03-31 01:00:00\`; DuckDB appends \`+00\`).
- **Type names**: INTEGER, INT, SMALLINT, TINYINT and the unsigned names all mean BIGINT here, and
  FLOAT and REAL mean DOUBLE; in DuckDB INTEGER is 32-bit and FLOAT is 32-bit, so
  \`try_cast(x AS integer)\` is null there beyond ±2^31 and \`cast(0.1 AS float)\` is 0.10000000149.
  Likewise Float32 columns are read and computed as DOUBLE (a comparison with a literal uses the
  Float32 nearest the literal, so \`f = 0.1\` matches), and UBIGINT values from 2^63 up, which are
  read exactly from Uint64 columns, cannot be cast or stored as BIGINT.
- **Date parts**: \`era\` and \`julian\` are not supported by \`date_part\`. \`date_sub('month', a, b)\`
  may count one more whole month than DuckDB when \`b\` is the last day of a month and \`a\` has a
  later time of day.
- **Numbers and strings do not compare**: \`i = '5'\` is an error here (cast one side); DuckDB
  casts the string.`);
  for (const f of FUNCTIONS.filter((x) => x.differs)) out.push(`- **\`${f.name}\`**: ${f.differs}`);
  out.push('');
  return `${out.join('\n')}\n`.replace(/\n{3,}/g, '\n\n');
}
