import { Bool, DateDay, Float64, Int32, Int64, TimestampMillisecond, Utf8, type DataType } from 'apache-arrow';

/** The types a CSV column can be read as. */
export type ColumnKind = 'int32' | 'int64' | 'float64' | 'boolean' | 'date' | 'timestamp' | 'utf8';

/**
 * The kinds inference tries, narrowest first: the first kind every sampled value fits is the
 * column's. Integers are int64 (DuckDB's BIGINT), so a later value past 32 bits never fails a
 * run; int32 is only chosen through `schema`.
 */
export const INFERENCE_ORDER: readonly ColumnKind[] = ['int64', 'float64', 'boolean', 'date', 'timestamp', 'utf8'];

/** How each kind is described to a user whose value did not fit. */
export const KIND_LABELS: Record<ColumnKind, string> = {
  int32: 'a 32-bit integer',
  int64: 'a 64-bit integer',
  float64: 'a number',
  boolean: 'a boolean (true/false, t/f, yes/no)',
  date: 'a YYYY-MM-DD date',
  timestamp: 'an ISO 8601 date-time',
  utf8: 'text',
};

/**
 * The kind a column of `kind` widens to so that it also holds a value it did not fit, when that
 * value is of `fits` (the narrowest kind the value alone is): every value of the column still
 * reads as the wider kind.
 */
export function widerKind(kind: ColumnKind, fits: ColumnKind): ColumnKind {
  if ((kind === 'int32' || kind === 'int64') && (fits === 'int64' || fits === 'float64')) return fits === 'int64' && kind === 'int32' ? 'int64' : 'float64';
  if (kind === 'date' && fits === 'timestamp') return 'timestamp';
  return 'utf8';
}

export function arrowTypeOf(kind: ColumnKind): DataType {
  switch (kind) {
    case 'int32': return new Int32();
    case 'int64': return new Int64();
    case 'float64': return new Float64();
    case 'boolean': return new Bool();
    case 'date': return new DateDay();
    // An instant: a zone-less value is UTC (the SDK's value rule), so the column says UTC.
    case 'timestamp': return new TimestampMillisecond('UTC');
    case 'utf8': return new Utf8();
  }
}
