import { openAtomicFile, type AtomicFile } from '@pypeline/sdk';
import { ParquetError } from './parquet-error.js';
import { T, readStruct, writeStruct, type TList, type TStruct } from './thrift-compact.js';

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"

// Field ids of parquet.thrift.
const FILE = { version: 1, schema: 2, numRows: 3, rowGroups: 4, keyValue: 5, createdBy: 6, columnOrders: 7 };
const ROW_GROUP = { columns: 1, numRows: 3, fileOffset: 5, ordinal: 7 };
const CHUNK = { fileOffset: 2, meta: 3, offsetIndexOffset: 4, offsetIndexLength: 5, columnIndexOffset: 6, columnIndexLength: 7 };
const META = { totalCompressed: 7, dataPage: 9, indexPage: 10, dictionaryPage: 11, bloomOffset: 14, bloomLength: 15 };

/**
 * Writes one Parquet file out of Parquet file images encoded separately (in parallel on the
 * worker pool, each by parquet-wasm): the column chunks of each image's row groups are copied
 * behind the ones before, their offsets shifted, and one footer lists them all at `close()`.
 * All images must come from the same Arrow schema. Page indexes and bloom filters of the
 * images are dropped (their offsets point into the image); the column chunks are untouched.
 * Nothing is at `path` until `close()`: the file is written beside it and renamed (openAtomicFile).
 */
export class RowGroupFileWriter {
  private numRows = 0n;
  private readonly rowGroups: TStruct[] = [];
  private head: TStruct | undefined;

  private constructor(
    readonly path: string,
    private readonly file: AtomicFile,
  ) {}

  /** `open` makes the target (default: a temp file renamed into place; an object upload for s3://). */
  static async create(path: string, open: (path: string) => Promise<AtomicFile> = openAtomicFile): Promise<RowGroupFileWriter> {
    const writer = new RowGroupFileWriter(path, await open(path));
    await writer.file.write(MAGIC);
    return writer;
  }

  get rows(): number {
    return Number(this.numRows);
  }

  /** Appends the row groups of a complete Parquet file image. */
  async append(image: Uint8Array): Promise<void> {
    const footer = readFooter(image, this.path);
    this.head ??= footer;
    const groups = (footer.get(FILE.rowGroups)?.value as TList | undefined)?.items ?? [];
    for (const group of groups as TStruct[]) {
      const [lo, hi] = chunkSpan(group);
      const delta = BigInt(this.file.size - lo);
      await this.file.write(image.subarray(lo, hi));
      shiftRowGroup(group, delta, this.rowGroups.length);
      this.rowGroups.push(group);
      this.numRows += group.get(ROW_GROUP.numRows)!.value as bigint;
    }
  }

  /** Writes the footer and commits the file into place. */
  async close(): Promise<void> {
    if (!this.head) throw new ParquetError(`cannot write Parquet file ${this.path}: no row group was written`, this.path);
    const meta: TStruct = new Map();
    for (const id of [FILE.version, FILE.schema, FILE.keyValue, FILE.createdBy, FILE.columnOrders]) {
      const field = this.head.get(id);
      if (field) meta.set(id, field);
    }
    meta.set(FILE.numRows, { type: T.I64, value: this.numRows });
    meta.set(FILE.rowGroups, { type: T.LIST, value: { elementType: T.STRUCT, items: this.rowGroups } });
    const footer = writeStruct(meta);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, footer.length, true);
    await this.file.write(footer);
    await this.file.write(length);
    await this.file.write(MAGIC);
    await this.file.commit();
  }

  /** Removes the partial file; safe to call after a failure at any point. */
  abort(): Promise<void> {
    return this.file.abort();
  }
}

/** The FileMetaData of a Parquet file image. */
export function readFooter(image: Uint8Array, name: string): TStruct {
  const n = image.length;
  const ok = n >= 12 && MAGIC.every((m, i) => image[i] === m && image[n - 4 + i] === m);
  if (!ok) throw new ParquetError(`${name}: not a Parquet file image (no PAR1 magic)`, name);
  const length = new DataView(image.buffer, image.byteOffset + n - 8, 4).getUint32(0, true);
  return readStruct(image, n - 8 - length).value;
}

/** The bytes [lo, hi) holding a row group's column chunks. */
function chunkSpan(group: TStruct): [number, number] {
  let lo = Infinity;
  let hi = 0;
  for (const chunk of (group.get(ROW_GROUP.columns)!.value as TList).items as TStruct[]) {
    const meta = chunk.get(CHUNK.meta)!.value as TStruct;
    const dict = meta.get(META.dictionaryPage)?.value as bigint | undefined;
    const data = meta.get(META.dataPage)!.value as bigint;
    const start = Number(dict !== undefined && dict > 0n && dict < data ? dict : data);
    lo = Math.min(lo, start);
    hi = Math.max(hi, start + Number(meta.get(META.totalCompressed)!.value as bigint));
  }
  return [lo, hi];
}

function shiftRowGroup(group: TStruct, delta: bigint, ordinal: number): void {
  shift(group, ROW_GROUP.fileOffset, delta);
  if (group.has(ROW_GROUP.ordinal)) group.set(ROW_GROUP.ordinal, { type: T.I16, value: ordinal });
  for (const chunk of (group.get(ROW_GROUP.columns)!.value as TList).items as TStruct[]) {
    shift(chunk, CHUNK.fileOffset, delta);
    for (const id of [CHUNK.offsetIndexOffset, CHUNK.offsetIndexLength, CHUNK.columnIndexOffset, CHUNK.columnIndexLength]) chunk.delete(id);
    const meta = chunk.get(CHUNK.meta)!.value as TStruct;
    for (const id of [META.dataPage, META.indexPage, META.dictionaryPage]) shift(meta, id, delta);
    meta.delete(META.bloomOffset);
    meta.delete(META.bloomLength);
  }
}

function shift(s: TStruct, id: number, delta: bigint): void {
  const f = s.get(id);
  if (f && typeof f.value === 'bigint' && f.value > 0n) f.value += delta;
}
