import { Data, DataType, RecordBatch, Schema, Struct, Table, makeData, tableFromIPC, tableToIPC } from 'apache-arrow';

/** One column's Data as plain typed arrays: what structured clone can carry to a worker. */
export interface PackedData {
  length: number;
  nullCount: number;
  offset: number;
  values?: ArrayBufferView;
  valueOffsets?: ArrayBufferView;
  nullBitmap?: ArrayBufferView;
  typeIds?: ArrayBufferView;
  children: PackedData[];
}

/** Record batches as plain data plus the schema as a (tiny) Arrow IPC message. */
export interface PackedBatches {
  schema: Uint8Array;
  batches: { length: number; columns: PackedData[] }[];
}

/**
 * Whether `schema` can travel packed: dictionaries need their dictionary vectors, which this
 * simple form does not carry (such tables go as one IPC buffer instead).
 */
export function canPack(schema: Schema): boolean {
  const plain = (t: DataType): boolean => !DataType.isDictionary(t) && (t.children ?? []).every((c) => plain(c.type));
  return schema.fields.every((f) => plain(f.type));
}

/**
 * Packs batches for a worker without serialising them: buffers in SharedArrayBuffers are
 * shared, others copied by structured clone, in both cases without work on this thread.
 */
export function packBatches(schema: Schema, batches: RecordBatch[]): PackedBatches {
  return {
    schema: tableToIPC(new Table(schema), 'stream'),
    batches: batches.map((b) => ({ length: b.numRows, columns: b.data.children.map(pack) })),
  };
}

function pack(d: Data): PackedData {
  return {
    length: d.length,
    nullCount: d.nullCount,
    offset: d.offset,
    values: d.values,
    valueOffsets: d.valueOffsets,
    nullBitmap: d.nullCount > 0 ? d.nullBitmap : undefined,
    typeIds: d.typeIds,
    children: d.children.map(pack),
  };
}

/** The table `packBatches` packed, rebuilt over the same buffers. */
export function unpackBatches(packed: PackedBatches): Table {
  const schema = tableFromIPC(packed.schema).schema;
  const batches = packed.batches.map((b) => {
    const children = b.columns.map((c, i) => unpack(schema.fields[i].type, c));
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: b.length, nullCount: 0, children }));
  });
  return new Table(schema, batches);
}

function unpack(type: DataType, p: PackedData): Data {
  const children = p.children.map((c, i) => unpack(type.children[i].type, c));
  // The Data constructor takes every layout's buffers by position (offsets, values, validity,
  // type ids), where makeData wants each nested type's child under its own key.
  const buffers = [p.valueOffsets, p.values, p.nullBitmap, p.typeIds] as unknown as ConstructorParameters<typeof Data>[4];
  return new Data(type, p.offset, p.length, p.nullCount, buffers, children);
}
