import { Bool, Float64, Int32, Utf8, type DataType } from 'apache-arrow';

/** The column kinds a JSON value sample is typed as; objects and arrays are kept as JSON text. */
export type JsonKind = 'int32' | 'float64' | 'boolean' | 'utf8';

export const KIND_LABELS: Record<JsonKind, string> = { int32: 'a 32-bit integer', float64: 'a number', boolean: 'true or false', utf8: 'text' };

/** The narrowest kind every non-null sample value fits; a column with only nulls is text. */
export function inferKind(values: Iterable<unknown>): JsonKind {
  let kind: JsonKind | null = null;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const k = kindOf(v);
    if (kind === null || kind === k) kind = k;
    else if ((kind === 'int32' && k === 'float64') || (kind === 'float64' && k === 'int32')) kind = 'float64';
    else return 'utf8';
  }
  return kind ?? 'utf8';
}

function kindOf(v: unknown): JsonKind {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? 'int32' : 'float64';
  return 'utf8';
}

export function arrowTypeOf(kind: JsonKind): DataType {
  switch (kind) {
    case 'int32': return new Int32();
    case 'float64': return new Float64();
    case 'boolean': return new Bool();
    case 'utf8': return new Utf8();
  }
}

/** Sentinel for a value that does not fit the column's kind. */
export const MISFIT: unique symbol = Symbol('misfit');

/** The value as the builder of `kind` takes it; text columns hold strings as they are and anything else as JSON. */
export function convert(kind: JsonKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'int32':
      return kindOf(v) === 'int32' ? v : MISFIT;
    case 'float64':
      return typeof v === 'number' ? v : MISFIT;
    case 'boolean':
      return typeof v === 'boolean' ? v : MISFIT;
    case 'utf8':
      return typeof v === 'string' ? v : JSON.stringify(v);
  }
}
