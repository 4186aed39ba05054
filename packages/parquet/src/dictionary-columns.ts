import { DataType, type Table } from 'apache-arrow';

/** Rows sampled per column, evenly spaced over the row group. */
const SAMPLE = 4096;
/** A sample this distinct says the column is close to unique in the row group. */
const UNIQUE = 0.9;

/**
 * The top-level number, date and time columns whose values are nearly all distinct (ids,
 * amounts, timestamps), for which the writer should not try a dictionary: it would build one
 * until the dictionary page limit, throw it away and write the column plain, about a sixth of
 * the encoding time of a typical table spent for nothing. Text columns keep their dictionary,
 * which is what makes repeated strings small.
 */
export function nearlyUniqueColumns(table: Table): string[] {
  const rows = table.numRows;
  if (rows < SAMPLE) return [];
  const step = rows / SAMPLE;
  const out: string[] = [];
  table.schema.fields.forEach((field, i) => {
    const t = field.type;
    if (!(DataType.isInt(t) || DataType.isFloat(t) || DataType.isDate(t) || DataType.isTimestamp(t) || DataType.isTime(t))) return;
    const column = table.getChildAt(i)!;
    const seen = new Set<unknown>();
    for (let k = 0; k < SAMPLE; k++) seen.add(column.get(Math.floor(k * step)));
    if (seen.size >= SAMPLE * UNIQUE) out.push(field.name);
  });
  return out;
}
