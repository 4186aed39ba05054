import { DataType, type Data, type Field } from 'apache-arrow';
import { formatFloat } from '@pypeline/expr';
import { dataGetter, decimalText, isUuidField, timeOfDayText, timestampText, uuidText } from '@pypeline/sdk';

/** Writes value `i` of `data` (an index as Arrow's getters take it) as JSON text. */
export type JsonEncoder = (data: Data, i: number) => string;

/**
 * How a column's values become JSON text, the same at any depth (a list of structs of maps):
 * 64-bit integers and decimals as exact number text (9007199254740993, 0.5000 at the column's
 * scale, as DuckDB's to_json), doubles as DuckDB writes them (27.0), NaN and infinities as null, dates `YYYY-MM-DD`, timestamps
 * ISO 8601 in UTC with `Z` at the unit's precision (a zone-less timestamp is UTC), times
 * `HH:MM:SS[.fff]`, UUIDs as their canonical text, other binary as base64, lists as arrays,
 * structs as objects, maps as objects keyed by the key's text (as DuckDB's to_json).
 */
export function jsonEncoder(field: Field): JsonEncoder {
  const encode = valueEncoder(field);
  return (data, i) => (data.getValid(i) ? encode(data, i) : 'null');
}

/**
 * Writes row `i` of a batch's columns (`batch.data.children`) as one JSON object text, the
 * values encoded by `jsonEncoder` (so 64-bit integers and decimals keep every digit).
 */
export function jsonRowEncoder(fields: readonly Field[]): (columns: readonly Data[], i: number) => string {
  const names = fields.map((f) => `${JSON.stringify(f.name)}:`);
  const encode = fields.map(jsonEncoder);
  return (columns, i) => {
    let line = '{';
    for (let c = 0; c < fields.length; c++) line += `${c ? ',' : ''}${names[c]}${encode[c](columns[c], i)}`;
    return `${line}}`;
  };
}

function valueEncoder(field: Field): JsonEncoder {
  const type = field.type;
  if (DataType.isStruct(type)) {
    const members = type.children.map((c: Field) => [JSON.stringify(c.name), jsonEncoder(c)] as const);
    return (data, i) => `{${members.map(([name, enc], k) => `${name}:${enc(data.children[k], i)}`).join(',')}}`;
  }
  if (DataType.isList(type) || DataType.isLargeList(type)) {
    const item = jsonEncoder(type.children[0]);
    return (data, i) => {
      const child = data.children[0];
      const out: string[] = [];
      for (let j = Number(data.valueOffsets[i]), end = Number(data.valueOffsets[i + 1]); j < end; j++) out.push(item(child, j));
      return `[${out.join(',')}]`;
    };
  }
  if (DataType.isFixedSizeList(type)) {
    const item = jsonEncoder(type.children[0]);
    return (data, i) => `[${Array.from({ length: type.listSize }, (_, k) => item(data.children[0], i * type.listSize + k)).join(',')}]`;
  }
  if (DataType.isMap(type)) {
    const [keyField, valueField] = type.children[0].type.children as Field[];
    const key = jsonEncoder(keyField);
    const value = jsonEncoder(valueField);
    return (data, i) => {
      const entries = data.children[0];
      const out: string[] = [];
      for (let j = data.valueOffsets[i], end = data.valueOffsets[i + 1]; j < end; j++) {
        const k = key(entries.children[0], j);
        out.push(`${k.startsWith('"') ? k : JSON.stringify(k)}:${value(entries.children[1], j)}`);
      }
      return `{${out.join(',')}}`;
    };
  }
  if (DataType.isDecimal(type)) {
    const words = type.bitWidth / 32;
    return (data, i) => decimalText((data.values as Uint32Array).subarray(i * words, i * words + words), type.scale);
  }
  if (DataType.isTimestamp(type)) return (data, i) => `"${timestampText(BigInt((data.values as BigInt64Array)[i]), type.unit)}"`;
  if (DataType.isTime(type)) return (data, i) => `"${timeOfDayText(BigInt((data.values as Int32Array | BigInt64Array)[i]), type.unit)}"`;
  if (isUuidField(field)) return (data, i) => `"${uuidText((data.values as Uint8Array).subarray(i * 16, i * 16 + 16))}"`;
  const get = dataGetter();
  if (DataType.isDate(type)) return (data, i) => `"${new Date(get(data, i) as number).toISOString().slice(0, 10)}"`;
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) {
    return (data, i) => `"${Buffer.from(get(data, i) as Uint8Array).toString('base64')}"`;
  }
  if (DataType.isInt(type) && type.bitWidth === 64) return (data, i) => String(get(data, i));
  if (DataType.isFloat(type)) return (data, i) => finite(get(data, i) as number);
  return (data, i) => JSON.stringify(get(data, i) ?? null) ?? 'null';
}

/** Doubles as DuckDB writes them (`27.0`, `0.25`); NaN and infinities, which JSON lacks, as null. */
function finite(x: number): string {
  return Number.isFinite(x) ? formatFloat(x) : 'null';
}

