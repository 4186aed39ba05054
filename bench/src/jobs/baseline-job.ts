// The baseline: the obvious Node way. csv-parse row objects, the filter as an `if`, Arrow
// builders, parquet-wasm on the whole table. `node baseline-job.js <csv> <out.parquet>`.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { DateDay, Float64, Int32, Int64, Utf8, makeBuilder, Table, makeData, Struct, Field, Schema, RecordBatch, type Builder, type DataType } from 'apache-arrow';
import { writeParquetFile } from '@pypeline/parquet';

const [csv, output] = process.argv.slice(2);
if (!csv || !output) throw new Error('usage: baseline-job.js <csv> <out.parquet>');
const fields = [
  new Field('id', new Int64(), true), new Field('name', new Utf8(), true), new Field('age', new Int32(), true),
  new Field('amount', new Float64(), true), new Field('category', new Utf8(), true), new Field('created', new DateDay(), true),
];
const builders = fields.map((f) => makeBuilder({ type: f.type as DataType, nullValues: [null, undefined] }) as Builder<DataType>);
// An unquoted empty field is null, as in csv_source and DuckDB.
const parser = createReadStream(csv).pipe(parse({ columns: true, cast: (value, context) => (value === '' && !context.quoting ? null : value) }));
for await (const row of parser as AsyncIterable<Record<string, string | null>>) {
  const age = Number(row.age);
  if (!(age > 18)) continue;
  builders[0].append(BigInt(row.id!));
  builders[1].append(row.name);
  builders[2].append(age);
  builders[3].append(row.amount === null ? null : Number(row.amount));
  builders[4].append(row.category);
  builders[5].append(new Date(`${row.created}T00:00:00Z`));
}
const children = builders.map((b) => b.finish().flush());
const length = children[0].length;
const schema = new Schema(fields);
const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }));
await writeParquetFile(output, new Table([batch]));
