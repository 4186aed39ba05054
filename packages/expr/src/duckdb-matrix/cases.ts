/**
 * The expressions the DuckDB matrix runs. Each is evaluated over the generated table `t` (see
 * data.ts for its columns) by PYpeline and by DuckDB (`SELECT sql FROM t`), row by row.
 *
 * - `pype` is PYpeline's text; `sql` is DuckDB's when it is written differently.
 * - `vars` are `{{variables}}` of the PYpeline text (the SQL has their values inlined).
 * - `difference` marks a known disagreement: `documented` when PYpeline differs from SQL on
 *   purpose (the `docs` phrase must then appear in docs/functions.md), `pending` when it is a
 *   PYpeline bug written up in /work/notes/duckdb-diffs.md. A mark that no longer differs fails
 *   the test, so marks cannot go stale.
 */
export interface MatrixCase {
  pype: string;
  sql?: string;
  vars?: Record<string, unknown>;
  difference?: Difference;
}

export type Difference = { pending: string } | { documented: string; docs: string };

const pending = (why: string): Difference => ({ pending: why });
const documented = (why: string, docs: string): Difference => ({ documented: why, docs });

// Shared marks, so one decision is written once.
const DIV_ZERO = documented('x / 0 and x % 0 give null in PYpeline; DuckDB gives ±Infinity or NaN for /, null for integer %', 'division by zero');
const FLOAT_NUMBERS = pending('every numeric result is Float64: an integer expression does not stay integer');
const INT64_EXACT = pending('Int64 compared as float64: wrong beyond 2^53');
const NAN_ORDER = pending('NaN: DuckDB treats NaN as equal to itself and larger than every number; PYpeline follows IEEE (all comparisons false)');
const INF_EQUAL = pending('evaluateScalar and folded constants compare by subtraction, so Infinity == Infinity is false there (the vector kernel says true)');
const CASE_MAPPING = documented('upper/lower use JavaScript\'s full Unicode case mapping: ß → SS, İ → i̇, final σ → ς; DuckDB maps ß → ẞ, İ → i, Σ → σ', 'Unicode case mapping');
const CONST_CRASH = pending('a function over a constant-first coalesce has no vector kernel ("no vector kernel for upper() with const")');
const ROUND_NUDGE = pending('round(1.005, 2) on a DOUBLE: PYpeline nudges to 1.01, DuckDB rounds the binary value to 1 (fix, or document and mark documented)');

export const CASES: readonly MatrixCase[] = [
  // ---- arithmetic -------------------------------------------------------------------------
  { pype: 'i + k', difference: FLOAT_NUMBERS },
  { pype: 'i - k', difference: FLOAT_NUMBERS },
  { pype: 'i * k', difference: FLOAT_NUMBERS },
  { pype: 'i / k', difference: DIV_ZERO },
  { pype: 'i % k', difference: FLOAT_NUMBERS },
  { pype: 'x + y' },
  { pype: 'x - y' },
  { pype: 'x * y' },
  { pype: 'x / y', difference: DIV_ZERO },
  { pype: 'x % y', difference: DIV_ZERO },
  { pype: 'z + 1' },
  { pype: 'z * x' },
  { pype: 'i + x' },
  { pype: 'i * 0.5' },
  { pype: 'i + k * 2', difference: FLOAT_NUMBERS },
  { pype: '(i + k) * 2', difference: FLOAT_NUMBERS },
  { pype: 'i - k - 1', difference: FLOAT_NUMBERS },
  { pype: 'x / 2 / 4' },
  { pype: '-x' },
  { pype: '-i', difference: FLOAT_NUMBERS },
  { pype: '-(i - k)', difference: FLOAT_NUMBERS },
  { pype: 'j + 0', difference: INT64_EXACT },
  { pype: 'j % 1000', difference: INT64_EXACT },
  { pype: 'j / 1000' },
  { pype: '1.5e3 + i' },
  { pype: '.5 * x' },
  { pype: '1 + 2 * 3', difference: FLOAT_NUMBERS },
  { pype: '7 % -3', difference: FLOAT_NUMBERS },
  // ---- comparisons ------------------------------------------------------------------------
  { pype: 'i < k' },
  { pype: 'i <= k' },
  { pype: 'i > k' },
  { pype: 'i >= k' },
  { pype: 'i == k' },
  { pype: 'i = k' },
  { pype: 'i != k' },
  { pype: 'i <> k' },
  { pype: 'x == y' },
  { pype: 'x < y' },
  { pype: 'i == x' },
  { pype: 'z == z', difference: NAN_ORDER },
  { pype: 'z == 1e400', sql: "z = 'Infinity'::DOUBLE", difference: INF_EQUAL },
  { pype: 'z > 1', difference: NAN_ORDER },
  { pype: 'z < 1' },
  { pype: 'z != 0' },
  { pype: 'z >= z', difference: NAN_ORDER },
  { pype: 'j == 9007199254740993', difference: INT64_EXACT },
  { pype: 'j > 9007199254740992', difference: INT64_EXACT },
  { pype: 'j < 0' },
  { pype: 'j == i' },
  { pype: 's < t' },
  { pype: 's >= t' },
  { pype: "s == 'straße'" },
  { pype: "s > 'a'" },
  { pype: "d < '2000-01-01'" },
  { pype: "d >= '2024-02-29'" },
  { pype: "ts >= '2024-03-31T01:00:00'" },
  { pype: "ts < '1970-01-01'" },
  { pype: "ts == '2024-02-29T23:59:59.999'" },
  { pype: 'd == ts' },
  { pype: 'd < ts' },
  { pype: 'b == true' },
  { pype: 'b != false' },
  // ---- logic ------------------------------------------------------------------------------
  { pype: 'b and i > 0' },
  { pype: 'b or i > 0' },
  { pype: 'b && k > 0', sql: 'b and k > 0' },
  { pype: 'b || k > 0', sql: 'b or k > 0' },
  { pype: 'not b' },
  { pype: '!b', sql: 'not b' },
  { pype: 'not i > k' },
  { pype: 'i > 0 and k > 0 or b' },
  { pype: 'i > 0 and (k > 0 or b)' },
  { pype: 'not (b and x > 0)' },
  { pype: 'null and b' },
  { pype: 'null or b' },
  { pype: 'true and not false' },
  // ---- in, is null ------------------------------------------------------------------------
  { pype: 'i in (1, 2, 3)' },
  { pype: 'i not in (0, 1)' },
  { pype: 'i in (1, null)' },
  { pype: 'i not in (1, null)' },
  { pype: 'k in (i, 2)' },
  { pype: "s in ('abc', 'x', '')" },
  { pype: "s not in ('straße', 'HELLO')" },
  { pype: 'x in (0.5, -0.0, 2.5)' },
  { pype: "d in ('2024-02-29', '1970-01-01')" },
  { pype: 'j in (9007199254740993, 0)', difference: INT64_EXACT },
  { pype: 'b in (true)' },
  { pype: 's is null' },
  { pype: 'x is not null' },
  { pype: '(i + k) is null' },
  { pype: 'd is not null and ts is null' },
  { pype: 'null is null' },
  // ---- literals, names, variables ---------------------------------------------------------
  { pype: '"abc" == s', sql: "'abc' = s" },
  { pype: "s == 'it\\'s'", sql: "s = 'it''s'" },
  { pype: "s == '\\u00e9moji \\u{1F600}'", sql: "s = 'émoji 😀'" },
  { pype: 'lower(`s`) == lower(t)', sql: 'lower("s") = lower(t)' },
  { pype: 'i + {{offset}}', sql: 'i + 5', vars: { offset: 5 }, difference: FLOAT_NUMBERS },
  { pype: "{{label}} == s", sql: "'abc' = s", vars: { label: 'abc' } },
  { pype: 'UPPER(s) IS NOT NULL AND b' },
  { pype: 'coalesce(null, s)' },
  // ---- string functions -------------------------------------------------------------------
  { pype: 'lower(s)', difference: CASE_MAPPING },
  { pype: 'upper(s)', difference: CASE_MAPPING },
  { pype: "upper('straße')", difference: CASE_MAPPING },
  { pype: "lower('İstanbul')", difference: CASE_MAPPING },
  { pype: 'length(s)', difference: FLOAT_NUMBERS },
  { pype: "length('émoji 😀')", difference: FLOAT_NUMBERS },
  { pype: 'starts_with(s, t)' },
  { pype: "starts_with(s, 'He')" },
  { pype: 'ends_with(s, t)' },
  { pype: "ends_with(s, '%')" },
  { pype: 'contains(s, t)' },
  { pype: "contains(s, '_')" },
  { pype: "contains(s, '')" },
  { pype: 'contains(lower(s), lower(t))' },
  // ---- math functions ---------------------------------------------------------------------
  { pype: 'abs(x)' },
  { pype: 'abs(i)', difference: FLOAT_NUMBERS },
  { pype: 'abs(z)' },
  { pype: 'abs(j)', sql: 'try(abs(j))', difference: INT64_EXACT },
  { pype: 'round(x)' },
  { pype: 'round(x, 2)', difference: ROUND_NUDGE },
  { pype: 'round(x, -1)' },
  { pype: 'round(x, 0)' },
  { pype: 'round(i, -1)', difference: FLOAT_NUMBERS },
  { pype: 'round(y / 3, 4)' },
  { pype: 'round(1.005, 2)' },
  { pype: 'round(2.5) + round(-2.5)' },
  // ---- coalesce, and functions around constants --------------------------------------------
  { pype: 'coalesce(s, t)' },
  { pype: "coalesce(s, t, 'none')" },
  { pype: 'coalesce(i, k, 0)', difference: FLOAT_NUMBERS },
  { pype: 'coalesce(x, i)' },
  { pype: 'coalesce(b, i > 0)' },
  { pype: 'coalesce(d, ts)' },
  { pype: "upper(coalesce('b', s))", difference: CONST_CRASH },
  { pype: "length(coalesce('b', s))", difference: CONST_CRASH },
  { pype: 'abs(coalesce(-1, i))', difference: CONST_CRASH },
  { pype: "lower(coalesce(s, 'NONE'))", difference: CASE_MAPPING },
];

/**
 * Token spellings the language accepts for the same operator, each of which needs a case; found
 * by asking the tokenizer (see matrix.test.ts), so a new operator shows up here as missing.
 */
export const OPERATOR_CANDIDATES = [
  '==', '=', '!=', '<>', '<', '<=', '>', '>=', '&&', '||', '!', '+', '-', '*', '/', '//', '%', '^', '**', '~', '~~', '!~~', '::',
  '&', '|', '<<', '>>', '@', '->', '->>', '[', ']', ':', '.',
];
export const KEYWORD_CANDIDATES = [
  'and', 'or', 'not', 'is', 'null', 'in', 'true', 'false', 'case', 'when', 'then', 'else', 'end', 'between', 'like', 'ilike',
  'similar', 'glob', 'escape', 'cast', 'try_cast', 'as', 'distinct', 'from', 'interval', 'date', 'timestamp', 'if', 'exists',
  'any', 'all', 'some', 'collate', 'xor', 'div', 'mod', 'isnull', 'notnull', 'regexp', 'rlike', 'over',
];
