import type { RecordBatch, Table } from 'apache-arrow';
import type { Expr } from '../ast.js';
import { compilePredicate } from '../compile-predicate.js';
import { compileValue } from '../compile-value.js';
import { evaluateScalar } from '../evaluate-scalar.js';
import { parseExpression } from '../parse.js';
import { columnsOf } from '../references.js';
import { tokenize } from '../tokenize.js';
import type { MatrixCase } from './cases.js';
import { familiesAgree, normalizeJs, normalizeVector, showValue, valuesEqual, type NormColumn, type Norm } from './compare.js';
import { COLUMNS, type MatrixData } from './data.js';
import type { MatrixDuckDb } from './duckdb.js';

/** Every way one case disagrees with DuckDB (or PYpeline with itself); empty when all agree. */
export interface CaseOutcome {
  problems: string[];
}

export interface MatrixContext {
  data: MatrixData;
  table: Table;
  duck: MatrixDuckDb;
}

/** Rows the scalar and constant paths are checked on (to stay fast): the hand-picked edge rows, then a sample. */
const sampleRows = (rows: number, every: number) => Array.from({ length: rows }, (_, r) => r).filter((r) => r < 24 || r % every === 0);
const SLICE = [5, 150] as const;
const SHOWN_ROWS = 3;

export async function runCase(c: MatrixCase, ctx: MatrixContext): Promise<CaseOutcome> {
  const parsed = parseExpression(c.pype);
  if (!parsed.expr) return { problems: [`PYpeline does not parse it: ${parsed.errors.map((e) => e.message).join('; ')}`] };
  const expr = parsed.expr;
  if (c.fails) return { problems: await failingCase(c, expr, ctx) };
  let duck: NormColumn;
  try {
    duck = await ctx.duck.column(c.sql ?? c.pype);
  } catch (e) {
    return { problems: [`DuckDB refuses \`${c.sql ?? c.pype}\`: ${(e as Error).message}`] };
  }
  const batch = ctx.table.batches[0];
  const problems: string[] = [];
  const vector = vectorPath(c, expr, batch, problems);
  if (vector) {
    // DuckDB folds an all-null result to a NULL of whatever type (`'a' || NULL` is an INTEGER there).
    if (!familiesAgree(vector.family, duck.family) && duck.values.some((v) => v !== null)) {
      problems.push(`type: PYpeline gives ${vector.typeName} (${vector.family}), DuckDB ${duck.typeName} (${duck.family})`);
    }
    compareRows('vector', vector.values, duck, expr, ctx, problems);
    slicePath(c, expr, batch, vector, problems);
  }
  if (duck.family === 'bool') filterPath(c, expr, batch, duck, problems);
  const text = asConstant(c.pype);
  if (!parseExpression(text).expr) {
    problems.push(`const: \`${text}\` does not parse`);
    return { problems };
  }
  const scalarRows = sampleRows(ctx.data.rows, 8);
  const scalar = scalarPath(c, text, ctx, scalarRows);
  compareRows('scalar', scalar, duck, expr, ctx, problems, scalarRows);
  if (vector) selfConsistency(vector, scalar, scalarRows, expr, ctx, problems);
  constPath(c, text, ctx, duck, expr, problems);
  return { problems };
}

/** A case both engines must refuse: DuckDB with any error, PYpeline with the case's message. */
async function failingCase(c: MatrixCase, expr: Expr, ctx: MatrixContext): Promise<string[]> {
  const problems: string[] = [];
  const duckError = await ctx.duck.column(c.sql ?? c.pype).then(() => null, (e: Error) => e);
  if (!duckError) problems.push('DuckDB accepts the data, the case expects an error');
  const batch = ctx.table.batches[0];
  try {
    compileValue(expr, batch.schema, (name) => c.vars?.[name])(batch);
    problems.push(`PYpeline accepts the data; DuckDB says: ${duckError?.message ?? 'nothing'}`);
  } catch (e) {
    if (!new RegExp(c.fails!, 'i').test((e as Error).message)) problems.push(`PYpeline fails with "${(e as Error).message}", expected /${c.fails}/`);
  }
  return problems;
}

function vectorPath(c: MatrixCase, expr: Expr, batch: RecordBatch, problems: string[]): NormColumn | null {
  try {
    return normalizeVector(compileValue(expr, batch.schema, (name) => c.vars?.[name])(batch));
  } catch (e) {
    problems.push(`vector: compileValue fails: ${(e as Error).message}`);
    return null;
  }
}

/** The same kernel on a slice of the batch (non-zero offset) must give the same rows. */
function slicePath(c: MatrixCase, expr: Expr, batch: RecordBatch, full: NormColumn, problems: string[]): void {
  try {
    const part = normalizeVector(compileValue(expr, batch.schema, (name) => c.vars?.[name])(batch.slice(...SLICE)));
    const bad = part.values.findIndex((v, i) => !valuesEqual(v, full.values[SLICE[0] + i]));
    if (part.values.length !== SLICE[1] - SLICE[0] || bad !== -1) {
      problems.push(`slice: on rows ${SLICE[0]}..${SLICE[1]} row ${SLICE[0] + bad} gives ${showValue(part.values[bad], full.family)}, on the whole batch ${showValue(full.values[SLICE[0] + bad], full.family)}`);
    }
  } catch (e) {
    problems.push(`slice: compileValue on a slice fails: ${(e as Error).message}`);
  }
}

/** As a filter condition: compilePredicate keeps exactly the rows where DuckDB's value is true. */
function filterPath(c: MatrixCase, expr: Expr, batch: RecordBatch, duck: NormColumn, problems: string[]): void {
  try {
    const kept = [...compilePredicate(expr, batch.schema, (name) => c.vars?.[name])(batch)];
    const want = duck.values.flatMap((v, r) => (v === true ? [r] : []));
    const extra = kept.filter((r) => !want.includes(r));
    const lost = want.filter((r) => !kept.includes(r));
    if (extra.length + lost.length > 0) problems.push(`filter: keeps rows [${extra.slice(0, 5).join(', ')}] DuckDB drops, drops rows [${lost.slice(0, 5).join(', ')}] DuckDB keeps`);
  } catch (e) {
    problems.push(`filter: compilePredicate fails: ${(e as Error).message}`);
  }
}

/**
 * evaluateScalar on the text with each column replaced by a typed `{{variable}}` (see asConstant):
 * how a valve condition computes the same expression from one row's values.
 */
function scalarPath(c: MatrixCase, text: string, ctx: MatrixContext, rows: number[]): (Norm | Error)[] {
  const parsed = parseExpression(text);
  const out: (Norm | Error)[] = new Array(ctx.data.rows).fill(undefined);
  for (const r of rows) {
    try {
      out[r] = normalizeJs(evaluateScalar(parsed.expr!, (name) => (c.vars && name in c.vars ? c.vars[name] : cellAsVariable(name, r, ctx))));
    } catch (e) {
      out[r] = e as Error;
    }
  }
  return out;
}

/** The vector kernel and evaluateScalar must agree with each other, whatever DuckDB says. */
function selfConsistency(vector: NormColumn, scalar: (Norm | Error)[], rows: number[], expr: Expr, ctx: MatrixContext, problems: string[]): void {
  const split = rows.filter((r) => !(scalar[r] instanceof Error) && !valuesEqual(scalar[r] as Norm, vector.values[r]));
  if (split.length === 0) return;
  const r = split[0];
  problems.push(`PYpeline disagrees with itself on ${split.length} rows: row ${r} ${describeRow(expr, r, ctx)}: vector ${showValue(vector.values[r], vector.family)}, evaluateScalar ${showValue(scalar[r] as Norm, vector.family)}`);
}

/** Columns replaced by typed `{{variables}}`, so compileValue folds the whole expression into a constant. */
function constPath(c: MatrixCase, text: string, ctx: MatrixContext, duck: NormColumn, expr: Expr, problems: string[]): void {
  const parsed = parseExpression(text);
  const one = ctx.table.batches[0].slice(0, 1);
  const rows = sampleRows(ctx.data.rows, 48);
  const got: (Norm | Error)[] = new Array(ctx.data.rows).fill(undefined);
  for (const r of rows) {
    try {
      const kernel = compileValue(parsed.expr!, one.schema, (name) => (c.vars && name in c.vars ? c.vars[name] : cellAsVariable(name, r, ctx)));
      got[r] = normalizeVector(kernel(one)).values[0];
    } catch (e) {
      got[r] = e as Error;
    }
  }
  compareRows(`const \`${text}\``, got, duck, expr, ctx, problems, rows);
}

/**
 * Each column reference as `cast({{name}} AS type)`: a variable's type comes from its JS value (a
 * whole number is an integer, a Date a timestamp, null has no type), so the cast gives it the
 * column's type back, as a user writing a valve condition would.
 */
function asConstant(source: string): string {
  const { tokens } = tokenize(source);
  let out = '';
  let at = 0;
  tokens.forEach((tok, n) => {
    const isColumn = (tok.kind === 'ident' && !(tokens[n + 1]?.kind === 'op' && tokens[n + 1].value === '(')) || tok.kind === 'quotedIdent';
    const type = isColumn ? CAST_TYPE.get(String(tok.value)) : undefined;
    if (!type) return;
    out += `${source.slice(at, tok.start)}cast({{${String(tok.value)}}} AS ${type})`;
    at = tok.end;
  });
  return out + source.slice(at);
}

const VARIABLE = new Map(COLUMNS.map((col) => [col.name, col.variable ?? ((cell: unknown) => cell)]));

function cellAsVariable(name: string, r: number, ctx: MatrixContext): unknown {
  const cell = ctx.data.values.get(name)?.[r];
  return cell === undefined ? undefined : (VARIABLE.get(name) ?? ((v: unknown) => v))(cell);
}

const CAST_TYPE = new Map(COLUMNS.map((col) => [col.name, col.sql === 'TIMESTAMPTZ' ? 'timestamp' : col.sql.toLowerCase()]));

function compareRows(path: string, got: (Norm | Error | undefined)[], duck: NormColumn, expr: Expr, ctx: MatrixContext, problems: string[], only?: number[]): void {
  const rows = only ?? Array.from({ length: ctx.data.rows }, (_, r) => r);
  const bad = rows.filter((r) => {
    const g = got[r];
    return g instanceof Error || g === undefined || !valuesEqual(g, duck.values[r]);
  });
  if (bad.length === 0) return;
  const shown = bad.slice(0, SHOWN_ROWS).map((r) => {
    const g = got[r];
    const mine = g instanceof Error ? `error "${g.message}"` : g === undefined ? 'nothing' : showValue(g, duck.family);
    return `row ${r} ${describeRow(expr, r, ctx)}: PYpeline ${mine}, DuckDB ${showValue(duck.values[r], duck.family)}`;
  });
  problems.push(`${path}: ${bad.length} of ${rows.length} rows differ; ${shown.join('; ')}`);
}

export function describeRow(expr: Expr, r: number, ctx: MatrixContext): string {
  const cols = columnsOf(expr).filter((name) => ctx.data.values.has(name));
  return `{${cols.map((name) => `${name}=${showCell(ctx.data.values.get(name)![r])}`).join(', ')}}`;
}

function showCell(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  return String(v);
}
