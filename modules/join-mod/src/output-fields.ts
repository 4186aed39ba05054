import { DataType, Field, Float64, Int, Schema, Utf8 } from 'apache-arrow';
import type { JoinKind } from '@pypeline/verbs';

/** Which right columns appear in the output, and under which names. */
export interface RightColumn {
  index: number;
  field: Field;
}

/** A key named alike on both sides: one output column, the right value where the left row is missing. */
export interface FoldedKey {
  leftIndex: number;
  rightIndex: number;
  field: Field;
}

/** How the output is made of the two inputs. */
export interface JoinLayout {
  /** The output schema. */
  schema: Schema;
  /** The columns a residual condition sees: every left column, then `extra` (as an inner join names them). */
  pairSchema: Schema;
  /** The right columns of the output (of the residual's pairs only, for semi and anti joins). */
  extra: RightColumn[];
  /** Keys folded into one column that right and full joins fill from the right side. */
  folded: FoldedKey[];
  leftOnly: boolean;
}

/**
 * Left columns as they are, then the right ones: a right key named like its left key is left
 * out (one column holds both: SQL's USING); a right name that clashes gets the suffix. Right
 * columns are nullable; left ones too in right and full joins. Semi and anti joins give the
 * left columns only. Problems (a suffixed name that still clashes, folded keys whose types do
 * not widen) are pushed to `problems`.
 */
export function joinLayout(left: Schema, right: Schema, on: string[], rightOn: string[], suffix: string, how: JoinKind, problems: string[]): JoinLayout {
  const taken = new Set(left.names as string[]);
  const extra: RightColumn[] = [];
  const folded: FoldedKey[] = [];
  right.fields.forEach((field, index) => {
    const k = rightOn.indexOf(field.name);
    if (k !== -1 && on[k] === field.name) {
      const leftIndex = left.fields.findIndex((f) => f.name === field.name);
      if (leftIndex !== -1) folded.push({ leftIndex, rightIndex: index, field: foldedField(left.fields[leftIndex], field, how === 'right' || how === 'full' ? problems : []) });
      return;
    }
    let name = field.name;
    if (taken.has(name)) name = `${name}${suffix}`;
    if (taken.has(name)) problems.push(`right column "${field.name}" would be named "${name}", which the output already has; choose another suffix`);
    taken.add(name);
    extra.push({ index, field: new Field(name, field.type, true, field.metadata) });
  });
  const pairSchema = new Schema([...left.fields, ...extra.map((c) => c.field)]);
  if (how === 'semi' || how === 'anti') return { schema: left, pairSchema, extra, folded: [], leftOnly: true };
  if (how !== 'right' && how !== 'full') return { schema: pairSchema, pairSchema, extra, folded: [], leftOnly: false };
  const leftFields = left.fields.map((f, i) => folded.find((k) => k.leftIndex === i)?.field ?? new Field(f.name, f.type, true, f.metadata));
  return { schema: new Schema([...leftFields, ...extra.map((c) => c.field)]), pairSchema, extra, folded, leftOnly: false };
}

/**
 * The type of a folded key of a right or full join, which holds values of both sides: the
 * common type (DuckDB's rule for USING): wider integer, integer with float gives Float64, text
 * of any encoding gives Utf8. Date against timestamp is refused: cast one side first.
 */
function foldedField(l: Field, r: Field, problems: string[]): Field {
  const nullable = l.nullable || r.nullable;
  const type = commonKeyType(l.type, r.type);
  // Keys of different kinds are refused by the key check already.
  if (!type && keyKind(l.type) === keyKind(r.type)) problems.push(`key "${l.name}" is ${String(l.type)} on the left and ${String(r.type)} on the right, which have no common type for one output column; cast one side with select_mod`);
  return new Field(l.name, type ?? l.type, nullable, l.metadata);
}

/** Keys compare as numbers, strings, booleans or instants; two keys of different kinds never match. */
export function keyKind(type: DataType): string {
  if (DataType.isInt(type) || DataType.isFloat(type)) return 'number';
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isDictionary(type)) return 'text';
  if (DataType.isBool(type)) return 'boolean';
  if (DataType.isDate(type) || DataType.isTimestamp(type)) return 'date/time';
  return String(type);
}

function commonKeyType(l: DataType, r: DataType): DataType | undefined {
  if (String(l) === String(r)) return l;
  if (DataType.isInt(l) && DataType.isInt(r)) {
    const signed = l.isSigned || r.isSigned;
    // A signed type holds an unsigned one of the same width only at twice the width.
    const widen = (t: Int) => (signed && !t.isSigned ? t.bitWidth * 2 : t.bitWidth);
    const bits = Math.min(64, Math.max(widen(l), widen(r)));
    return new Int(signed, bits as 8 | 16 | 32 | 64);
  }
  const numeric = (t: DataType) => DataType.isInt(t) || DataType.isFloat(t);
  if (numeric(l) && numeric(r)) return new Float64();
  const text = (t: DataType) => DataType.isUtf8(t) || DataType.isLargeUtf8(t) || (DataType.isDictionary(t) && DataType.isUtf8(t.dictionary));
  if (text(l) && text(r)) return new Utf8();
  return undefined;
}
