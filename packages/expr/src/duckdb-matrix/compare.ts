import { DataType, type Vector } from 'apache-arrow';

/**
 * Results of both engines brought to one form so they can be compared row by row: integers as
 * bigint or number, floats and decimals as number, dates and timestamps as epoch milliseconds.
 */
export type Norm = null | boolean | string | number | bigint;

/** The kind of type a result has; an integer expression must stay an integer, a date a date. */
export type Family = 'int' | 'float' | 'decimal' | 'string' | 'bool' | 'date' | 'timestamp' | 'null' | 'other';

export interface NormColumn {
  family: Family;
  /** The engine's own name for the type, for messages. */
  typeName: string;
  values: Norm[];
}

export function familyOfArrow(type: DataType): Family {
  if (DataType.isInt(type)) return 'int';
  if (DataType.isFloat(type)) return 'float';
  if (DataType.isDecimal(type)) return 'decimal';
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type)) return 'string';
  if (DataType.isBool(type)) return 'bool';
  if (DataType.isDate(type)) return 'date';
  if (DataType.isTimestamp(type)) return 'timestamp';
  if (DataType.isNull(type)) return 'null';
  if (DataType.isDictionary(type)) return familyOfArrow(type.dictionary);
  return 'other';
}

/** Reads a PYpeline result vector. */
export function normalizeVector(vector: Vector): NormColumn {
  const family = familyOfArrow(vector.type);
  const scale = DataType.isDecimal(vector.type) ? vector.type.scale : 0;
  const values: Norm[] = [];
  for (let i = 0; i < vector.length; i++) values.push(normalizeArrowValue(vector.get(i), family, scale));
  return { family, typeName: String(vector.type), values };
}

function normalizeArrowValue(v: unknown, family: Family, scale: number): Norm {
  if (v === null || v === undefined) return null;
  if (family === 'decimal') return Number(String(v)) / 10 ** scale;
  return normalizeJs(v);
}

/** A JS value from either engine (or from the scalar evaluator). */
export function normalizeJs(v: unknown): Norm {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return v;
  return `<unexpected ${Object.prototype.toString.call(v)}: ${String(v)}>`;
}

/** Floats agree within 1e-12 relative; NaN equals NaN; integers are compared exactly. */
export function valuesEqual(a: Norm, b: Norm): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
    const n = (typeof a === 'bigint' ? b : a) as unknown;
    const big = (typeof a === 'bigint' ? a : b) as bigint;
    return typeof n === 'number' && Number.isInteger(n) && BigInt(n) === big;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    if (a === b) return true;
    if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
    return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  }
  return a === b;
}

/** Whether a PYpeline result type stands for the DuckDB one (a float may stand for a DECIMAL). */
export function familiesAgree(pype: Family, duck: Family): boolean {
  if (pype === duck || duck === 'null' || pype === 'null') return true;
  return (pype === 'float' && duck === 'decimal') || (pype === 'decimal' && duck === 'float');
}

export function showValue(v: Norm, family: Family): string {
  if (v === null) return 'null';
  if (typeof v === 'number' && (family === 'date' || family === 'timestamp')) {
    const iso = new Date(v).toISOString();
    return family === 'date' && iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}`;
  return Object.is(v, -0) ? '-0' : String(v);
}
