import { DataType, type Field } from 'apache-arrow';

/**
 * How a value of an Arrow column becomes a JSON value: 64-bit integers as numbers while exact
 * (else strings), decimals as numbers while a double holds them exactly (15 significant digits,
 * else their exact text as a string), dates as `YYYY-MM-DD`, timestamps as ISO 8601 UTC, binary
 * as base64.
 */
export function jsonValue(field: Field): (v: unknown) => unknown {
  const type = field.type;
  if (DataType.isDecimal(type)) return (v) => (v == null ? null : decimalJson(v as Uint32Array, type.scale));
  if (DataType.isDate(type)) return (v) => (v == null ? null : new Date(v as number).toISOString().slice(0, 10));
  if (DataType.isTimestamp(type)) return (v) => (v == null ? null : new Date(Number(v)).toISOString());
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) {
    return (v) => (v == null ? null : Buffer.from(v as Uint8Array).toString('base64'));
  }
  return plain;
}

/** A Decimal128 value (four little-endian 32-bit words, two's complement) at its scale. */
function decimalJson(words: Uint32Array, scale: number): number | string {
  let units = 0n;
  for (let k = 3; k >= 0; k--) units = (units << 32n) | BigInt(words[k]);
  units = BigInt.asIntN(128, units);
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
  const text = `${units < 0n ? '-' : ''}${scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`}`;
  return digits.replace(/^0+/, '').length <= 15 ? Number(text) : text;
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') return plain((v as { toJSON(): unknown }).toJSON());
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}
