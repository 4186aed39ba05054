import { Bool, DateDay, Float64, Int32, Int64, Utf8, type DataType } from 'apache-arrow';

/** The types a CSV column can be inferred as, narrowest first. */
export type ColumnKind = 'int32' | 'int64' | 'float64' | 'boolean' | 'date' | 'utf8';

export const INFERENCE_ORDER: readonly ColumnKind[] = ['int32', 'int64', 'float64', 'boolean', 'date', 'utf8'];

/** Returned by `parseAs` when text is not a value of the kind. */
export const NOT_A_VALUE: unique symbol = Symbol('not a value');

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DAY_MS = 86_400_000;

/** How each kind is described to a user whose value did not fit. */
export const KIND_LABELS: Record<ColumnKind, string> = {
  int32: 'a 32-bit integer',
  int64: 'a 64-bit integer',
  float64: 'a number',
  boolean: 'true or false',
  date: 'a YYYY-MM-DD date',
  utf8: 'text',
};

/**
 * Parses non-empty field text as a value of `kind`, in the form the Arrow builder takes
 * (dates as epoch milliseconds), or returns NOT_A_VALUE.
 */
export function parseAs(kind: ColumnKind, text: string): unknown {
  switch (kind) {
    case 'int32': {
      if (!INTEGER.test(text)) return NOT_A_VALUE;
      const n = Number(text);
      return n >= INT32_MIN && n <= INT32_MAX ? n : NOT_A_VALUE;
    }
    case 'int64': {
      if (!INTEGER.test(text)) return NOT_A_VALUE;
      const n = BigInt(text);
      return n >= INT64_MIN && n <= INT64_MAX ? n : NOT_A_VALUE;
    }
    case 'float64':
      return FLOAT.test(text) ? Number(text) : NOT_A_VALUE;
    case 'boolean':
      return parseBoolean(text);
    case 'date':
      return parseDate(text);
    case 'utf8':
      return text;
  }
}

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

function parseBoolean(text: string): boolean | typeof NOT_A_VALUE {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return NOT_A_VALUE;
}

// Rejects dates that Date.UTC would roll over, such as 2023-02-30.
function parseDate(text: string): number | typeof NOT_A_VALUE {
  const match = DATE.exec(text);
  if (!match) return NOT_A_VALUE;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return NOT_A_VALUE;
  return Math.floor(ms / DAY_MS) * DAY_MS;
}
