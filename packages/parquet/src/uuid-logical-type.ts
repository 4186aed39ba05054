import { Data, DataType, Field, FixedSizeList, List, Map_, RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import { asUuidField, isUuidField } from '@pypeline/sdk';
import { readFooter } from './row-group-file.js';
import { T, writeStruct, type TList, type TStruct } from './thrift-compact.js';

// WARNING: parquet-wasm 0.8 reads a UUID column as a plain FixedSizeBinary(16) and writes one
// as plain bytes (DuckDB then reads BLOB). This file carries the type across: on reading, a
// leaf with the UUID logical type becomes a field marked `arrow.uuid`; on writing, a marked
// field's leaf gets the UUID logical type in the footer (the column chunks are unchanged).

const FILE_SCHEMA = 2;
const EL = { name: 4, numChildren: 5, logicalType: 10 };
const LOGICAL_UUID = 14;

interface SchemaNode {
  el: TStruct;
  children: SchemaNode[];
}

/** The footer's flat, depth-first list of schema elements as a tree (the root is the file). */
function schemaTree(footer: TStruct): SchemaNode {
  const items = ((footer.get(FILE_SCHEMA)?.value as TList | undefined)?.items ?? []) as TStruct[];
  let i = 0;
  const next = (): SchemaNode => {
    const el = items[i++] ?? new Map();
    const n = Number(el.get(EL.numChildren)?.value ?? 0);
    return { el, children: Array.from({ length: n }, next) };
  };
  return next();
}

const decoder = new TextDecoder();
const nameOf = (node: SchemaNode) => decoder.decode(node.el.get(EL.name)?.value as Uint8Array | undefined);
const hasUuidType = (node: SchemaNode) => node.children.length === 0 && ((node.el.get(EL.logicalType)?.value as TStruct | undefined)?.has(LOGICAL_UUID) ?? false);

/**
 * Walks an Arrow field beside its Parquet node, calling `leaf` on each primitive pair, and
 * returns the field rebuilt from what `leaf` returned (the same object when nothing changed).
 * Lists skip Parquet's repeated middle level; struct members pair by name, map entries by position.
 */
function pairField(field: Field, node: SchemaNode | undefined, leaf: (field: Field, node: SchemaNode) => Field): Field {
  if (!node) return field;
  const type = field.type;
  const rebuild = (children: Field[], make: (children: Field[]) => DataType) =>
    children.every((c, i) => c === type.children[i]) ? field : new Field(field.name, make(children), field.nullable, field.metadata);
  if (DataType.isStruct(type)) {
    return rebuild(type.children.map((c) => pairField(c, node.children.find((n) => nameOf(n) === c.name), leaf)), (cs) => new Struct(cs));
  }
  if (DataType.isList(type) || DataType.isFixedSizeList(type)) {
    const repeated = node.children[0];
    const element = repeated && repeated.children.length === 1 ? repeated.children[0] : repeated;
    const child = pairField(type.children[0], element, leaf);
    return rebuild([child], ([c]) => (DataType.isList(type) ? new List(c) : new FixedSizeList(type.listSize, c)));
  }
  if (DataType.isMap(type)) {
    const entries = type.children[0];
    const entryNode = node.children[0];
    const members = entries.type.children.map((c: Field, i: number) => pairField(c, entryNode?.children[i], leaf));
    const same = members.every((c: Field, i: number) => c === entries.type.children[i]);
    const newEntries = same ? entries : new Field(entries.name, new Struct(members), entries.nullable, entries.metadata);
    return rebuild([newEntries], ([c]) => new Map_(c as Field<Struct>, type.keysSorted));
  }
  return type.children?.length ? field : leaf(field, node);
}

function pairSchema(schema: Schema, footer: TStruct, leaf: (field: Field, node: SchemaNode) => Field): Field[] {
  const root = schemaTree(footer);
  return schema.fields.map((f) => pairField(f, root.children.find((n) => nameOf(n) === f.name), leaf));
}

/** Whether any field, at any depth, is a UUID column. */
function hasUuidField(fields: readonly Field[]): boolean {
  return fields.some((f) => isUuidField(f) || hasUuidField(f.type.children ?? []));
}

/** `schema` with the columns the footer types as UUID marked `arrow.uuid` (the same object when there are none). */
export function markUuidColumns(schema: Schema, footer: TStruct): Schema {
  const fields = pairSchema(schema, footer, (f, node) => (hasUuidType(node) && !isUuidField(f) && DataType.isFixedSizeBinary(f.type) && f.type.byteWidth === 16 ? asUuidField(f) : f));
  return fields.every((f, i) => f === schema.fields[i]) ? schema : new Schema(fields, schema.metadata);
}

/** `batch` under `schema`, a re-marked version of its own schema (nested types are rebuilt over the same buffers). */
export function withSchema(batch: RecordBatch, schema: Schema): RecordBatch {
  if (batch.schema === schema) return batch;
  const children = batch.data.children.map((d, i) => retype(d, schema.fields[i].type));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
}

function retype(d: Data, type: DataType): Data {
  // Only field metadata changes, so a leaf's type is the same in all but identity.
  if (d.type === type || !type.children?.length) return d;
  const buffers = [d.valueOffsets, d.values, d.nullBitmap, d.typeIds] as unknown as ConstructorParameters<typeof Data>[4];
  return new Data(type, d.offset, d.length, d.nullCount, buffers, d.children.map((c, i) => retype(c, type.children[i].type)));
}

/** The footer (FileMetaData) of a Parquet file read through a Blob: only its last bytes are read. */
export async function readBlobFooter(blob: Blob, name: string): Promise<TStruct> {
  const size = blob.size;
  const tail = new Uint8Array(await blob.slice(Math.max(0, size - 8), size).arrayBuffer());
  const length = new DataView(tail.buffer, tail.byteOffset, tail.byteLength).getUint32(0, true);
  const image = new Uint8Array(Math.min(size, length + 12));
  image.set(new Uint8Array(await blob.slice(size - image.length + 4, size).arrayBuffer()), 4);
  // readFooter checks the magic at both ends of an image: give it one.
  image.set([0x50, 0x41, 0x52, 0x31], 0);
  return readFooter(image, name);
}

/**
 * A Parquet file image whose UUID-marked columns have the UUID logical type in the footer.
 * Only the footer is rewritten; the image is returned unchanged when there is no UUID column.
 */
export function withUuidLogicalTypes(image: Uint8Array, schema: Schema): Uint8Array {
  if (!hasUuidField(schema.fields)) return image;
  const footer = readFooter(image, 'encoded Parquet image');
  pairSchema(schema, footer, (f, node) => {
    if (isUuidField(f) && node.children.length === 0) {
      node.el.set(EL.logicalType, { type: T.STRUCT, value: new Map([[LOGICAL_UUID, { type: T.STRUCT, value: new Map() }]]) });
    }
    return f;
  });
  const bytes = writeStruct(footer);
  const n = image.length;
  const start = n - 8 - new DataView(image.buffer, image.byteOffset + n - 8, 4).getUint32(0, true);
  const out = new Uint8Array(start + bytes.length + 8);
  out.set(image.subarray(0, start));
  out.set(bytes, start);
  new DataView(out.buffer).setUint32(start + bytes.length, bytes.length, true);
  out.set(image.subarray(n - 4), out.length - 4);
  return out;
}
