import { DataType, type Field } from 'apache-arrow';

/**
 * How a value of an Arrow column becomes a JSON value: 64-bit integers as numbers while exact
 * (else strings), dates as `YYYY-MM-DD`, timestamps as ISO 8601 UTC, binary as base64.
 */
export function jsonValue(field: Field): (v: unknown) => unknown {
  const type = field.type;
  if (DataType.isDate(type)) return (v) => (v == null ? null : new Date(v as number).toISOString().slice(0, 10));
  if (DataType.isTimestamp(type)) return (v) => (v == null ? null : new Date(Number(v)).toISOString());
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) {
    return (v) => (v == null ? null : Buffer.from(v as Uint8Array).toString('base64'));
  }
  return plain;
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') return plain((v as { toJSON(): unknown }).toJSON());
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}
