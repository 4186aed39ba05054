import { decimalType, type ExprType } from './expr-type.js';

const NAMES: Record<string, ExprType> = {
  bigint: 'integer', int: 'integer', integer: 'integer', int8: 'integer', int4: 'integer', int2: 'integer', int64: 'integer', int32: 'integer',
  int16: 'integer', smallint: 'integer', tinyint: 'integer', long: 'integer', signed: 'integer', ubigint: 'integer', uinteger: 'integer',
  usmallint: 'integer', utinyint: 'integer',
  double: 'float', float: 'float', float8: 'float', float4: 'float', float64: 'float', float32: 'float', real: 'float',
  varchar: 'string', text: 'string', string: 'string', char: 'string', bpchar: 'string',
  boolean: 'boolean', bool: 'boolean', logical: 'boolean',
  date: 'date',
  timestamp: 'timestamp', datetime: 'timestamp', timestamptz: 'timestamp', timestamp_ms: 'timestamp', timestamp_us: 'timestamp', timestamp_s: 'timestamp',
  interval: 'interval',
};

/** The type names cast() accepts, for messages and the reference. */
export const TYPE_NAMES_HINT = 'BIGINT (INTEGER, INT), DOUBLE (FLOAT, REAL), DECIMAL(p, s), VARCHAR (TEXT), BOOLEAN, DATE, TIMESTAMP, INTERVAL';

/** A SQL type name (with `DECIMAL(p, s)` arguments) as an expression type; null when unknown. */
export function typeFromName(name: string, args: number[]): { type: ExprType } | { error: string } {
  const lower = name.toLowerCase();
  if (lower === 'decimal' || lower === 'numeric') {
    const [p = 18, s = args.length === 1 ? 0 : 3] = args;
    if (p < 1 || p > 38 || s < 0 || s > p) return { error: `DECIMAL(${args.join(', ')}): the precision must be 1 to 38 and the scale 0 to the precision` };
    return { type: decimalType(p, s) };
  }
  const t = NAMES[lower];
  if (!t) return { error: `unknown type \`${name}\`` };
  if (args.length > 0 && t !== 'string') return { error: `${name.toUpperCase()} takes no arguments` };
  return { type: t };
}

export const TYPE_NAME_LIST = Object.keys(NAMES).concat(['decimal', 'numeric']);
