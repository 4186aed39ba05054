import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { Table, tableFromIPC, tableToIPC, type Data, type RecordBatch } from 'apache-arrow';
import { batchBytes, takeRows } from '@pypeline/verbs';

// WARNING: the format is private to this package and lives only as long as one operator: a
// sequence of [u32 little-endian length][Arrow IPC stream of one batch]. Each chunk carries
// its own schema (and dictionaries), so every Arrow type comes back exactly as written.
const HEADER = 4;

/** Appends batches to a spill file; I/O is synchronous (spill files are local and short-lived). */
export class SpillFileWriter {
  private fd: number | undefined;
  /** Bytes of Arrow data written (as counted for the budget, not on disk). */
  bytes = 0;
  rows = 0;
  diskBytes = 0;

  constructor(readonly path: string) {}

  write(batch: RecordBatch): void {
    if (batch.numRows === 0) return;
    this.fd ??= openSync(this.path, 'w');
    // WARNING: Arrow's IPC writer writes a slice's whole buffers; a slice is copied out first.
    const own = batch.data.children.every(isCompact) ? batch : takeRows(batch, Uint32Array.from({ length: batch.numRows }, (_, i) => i));
    const body = tableToIPC(new Table(own.schema, [own]), 'stream');
    const header = Buffer.alloc(HEADER);
    header.writeUInt32LE(body.byteLength, 0);
    writeSync(this.fd, header);
    writeSync(this.fd, body);
    this.bytes += batchBytes(batch);
    this.rows += batch.numRows;
    this.diskBytes += HEADER + body.byteLength;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** True when a column's buffers hold its rows and nothing more (it is not a slice of more). */
function isCompact(data: Data): boolean {
  if (data.offset !== 0) return false;
  const offsets = data.valueOffsets as ArrayLike<number> | undefined;
  if (offsets) return Number(offsets[0]) === 0 && (data.values?.length ?? 0) <= Number(offsets[data.length]) && data.children.every(isCompact);
  if (data.values && data.stride > 0 && data.values.length > data.length * data.stride) return false;
  return data.children.every(isCompact);
}

/** The batches of a spill file, one chunk in memory at a time; a file never written reads as none. */
export function* readSpillFile(path: string, rows: number): Generator<RecordBatch> {
  if (rows === 0) return;
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(HEADER);
    for (;;) {
      if (readSync(fd, header, 0, HEADER, null) < HEADER) return;
      const body = new Uint8Array(header.readUInt32LE(0));
      let at = 0;
      while (at < body.byteLength) {
        const n = readSync(fd, body, at, body.byteLength - at, null);
        if (n === 0) throw new Error(`internal error in @pypeline/spill: spill file ${path} ends inside a chunk (please report this bug)`);
        at += n;
      }
      yield* tableFromIPC(body).batches;
    }
  } finally {
    closeSync(fd);
  }
}
