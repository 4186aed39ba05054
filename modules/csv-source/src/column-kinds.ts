import { Bool, DateDay, Float64, Int32, Int64, Utf8, type DataType } from 'apache-arrow';

/** The types a CSV column can be read as, narrowest first (the order inference tries them in). */
export type ColumnKind = 'int32' | 'int64' | 'float64' | 'boolean' | 'date' | 'utf8';

export const INFERENCE_ORDER: readonly ColumnKind[] = ['int32', 'int64', 'float64', 'boolean', 'date', 'utf8'];

/** How each kind is described to a user whose value did not fit. */
export const KIND_LABELS: Record<ColumnKind, string> = {
  int32: 'a 32-bit integer',
  int64: 'a 64-bit integer',
  float64: 'a number',
  boolean: 'true or false',
  date: 'a YYYY-MM-DD date',
  utf8: 'text',
};

export function arrowTypeOf(kind: ColumnKind): DataType {
  switch (kind) {
    case 'int32': return new Int32();
    case 'int64': return new Int64();
    case 'float64': return new Float64();
    case 'boolean': return new Bool();
    case 'date': return new DateDay();
    case 'utf8': return new Utf8();
  }
}
