import { DataType, Field, RecordBatch, Schema, Struct, makeBuilder, makeData, type Data } from 'apache-arrow';
import { ExprError, compileValue, parseExpression, type ValueKernel } from '@pypeline/expr';
import { CAST_TYPES } from './cast-value.js';
import type { CastType } from './config.js';

export interface CastFailure {
  /** 0-based row within the data cast. */
  row: number;
  value: unknown;
}

// select_mod's cast types as the expression language's SQL types: the one cast table (DuckDB's rules).
const SQL_TYPES: Record<CastType, string> = { string: 'VARCHAR', int32: 'BIGINT', int64: 'BIGINT', float64: 'DOUBLE', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP' };

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * One column cast to `to` by the expression language's try_cast, so a select_mod cast and
 * `cast(x AS type)` in an expression give the same value ('-2.5' → -3, 2.5 → 2, 27.0 → '27.0').
 * Blank text is null; a value that cannot be cast (or an int32 out of range) becomes null and is
 * reported through `onInvalid`, which may throw to stop at the first one.
 */
export function castColumn(data: Data, field: Field, to: CastType, onInvalid: (failure: CastFailure) => void): Data {
  const input = new Field('v', field.type, true);
  const kernel = castKernel(input, to);
  const batch = new RecordBatch(new Schema([input]), makeData({ type: new Struct([input]), length: data.length, nullCount: 0, children: [data] }));
  const result = kernel?.(batch);
  const source = batch.getChildAt(0)!;
  const builder = makeBuilder({ type: CAST_TYPES[to](), nullValues: [null] });
  for (let i = 0; i < data.length; i++) {
    const value = result ? finish(result.get(i), to) : null;
    const raw = source.get(i);
    if (value === null && raw !== null && !(typeof raw === 'string' && raw.trim() === '')) onInvalid({ row: i, value: raw });
    builder.append(value);
  }
  return builder.finish().flush();
}

const kernels = new Map<string, ValueKernel | null>();

/** try_cast(v AS type) compiled for a column of `input`'s type (cached: every batch has the same). */
function castKernel(input: Field, to: CastType): ValueKernel | null {
  const key = `${String(input.type)}->${to}`;
  let kernel = kernels.get(key);
  if (kernel === undefined) {
    // Blank text is null (as csv_source reads it), not a failed cast.
    const value = DataType.isUtf8(input.type) && to !== 'string' ? `nullif(trim(v), '')` : 'v';
    const parsed = parseExpression(`try_cast(${value} AS ${SQL_TYPES[to]})`);
    // A constant text with no user input in it: a parse error here is a bug, not a user's mistake.
    if (!parsed.expr) throw new Error(`select_mod: internal error parsing its cast: ${parsed.errors.map((e) => e.message).join('; ')}`);
    try {
      kernel = compileValue(parsed.expr, new Schema([input]));
    } catch (error) {
      if (!(error instanceof ExprError)) throw error;
      // No cast between the types (a double to a date, a list to a number): as DuckDB's
      // TRY_CAST, every value fails, so each one follows on_cast_error.
      kernel = null;
    }
    kernels.set(key, kernel);
  }
  return kernel;
}

/** The expression's result as select_mod's builder takes it: int32 range-checked, timestamps in milliseconds. */
function finish(v: unknown, to: CastType): unknown {
  if (v === null || v === undefined) return null;
  if (to === 'int32') {
    const n = Number(v as bigint);
    return n >= INT32_MIN && n <= INT32_MAX ? n : null;
  }
  if (to === 'timestamp') return Math.floor(v as number);
  return v;
}
