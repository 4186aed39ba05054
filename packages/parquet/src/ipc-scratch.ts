import { AsyncByteQueue, RecordBatchStreamWriter, type Data, type Table } from 'apache-arrow';

/**
 * Buffers a table's Arrow IPC stream is written into, reused from one row group to the next.
 * On the project's VM fresh memory costs far more than the copy itself: first-touch page faults
 * take about 200 ms of CPU for 55 MB (one row group of the bench data), a copy into memory
 * touched before about 5 ms. The buffers are SharedArrayBuffers, so a pool thread reads the
 * bytes where they are (structured clone shares them) instead of receiving a fresh copy.
 *
 * `write` hands out a buffer that is the caller's until it gives it back with `release` (once
 * the reader is done with it); at most one buffer per row group in flight is ever allocated.
 */
export class IpcScratch {
  private readonly free: Uint8Array[] = [];

  /** The Arrow IPC stream of `table` (schema, dictionaries, batches, end marker). */
  write(table: Table): Uint8Array {
    const expected = ipcSizeOf(table);
    // The smallest free buffer that fits, else a new one (the free ones are kept for later).
    const fits = this.free.filter((b) => b.length >= expected).sort((a, b) => a.length - b.length)[0];
    if (fits) this.free.splice(this.free.indexOf(fits), 1);
    const sink = new ScratchSink(fits, expected);
    const writer = new RecordBatchStreamWriter();
    writer.reset(sink);
    writer.writeAll(table);
    return sink.bytes();
  }

  /** Gives a buffer `write` returned back for the next `write`. */
  release(ipc: Uint8Array): void {
    this.free.push(new Uint8Array(ipc.buffer));
  }
}

/** The writer's sink: copies each piece behind the last, growing (doubling) when full. */
class ScratchSink extends AsyncByteQueue {
  private buffer: Uint8Array;
  private length = 0;

  constructor(buffer: Uint8Array | undefined, expected: number) {
    super();
    // A new buffer has room for row groups a little bigger than this one (so it is kept).
    this.buffer = buffer && buffer.length >= expected ? buffer : shared(Math.ceil(expected * 1.1));
  }

  override write(value: Uint8Array): void {
    // The writer hands every piece (headers, padding, column buffers) as a Uint8Array.
    const end = this.length + value.byteLength;
    if (end > this.buffer.length) {
      const next = shared(Math.max(end, this.buffer.length * 2));
      next.set(this.buffer.subarray(0, this.length));
      this.buffer = next;
    }
    this.buffer.set(value, this.length);
    this.length = end;
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

function shared(bytes: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(bytes));
}

/**
 * About the IPC stream's size: the bytes of the buffers' rows (a sliced batch shares whole
 * buffers, but only its rows are written), padded, plus room for the headers.
 */
function ipcSizeOf(table: Table): number {
  const dataBytes = (d: Data): number => {
    let n = 64;
    if (d.nullBitmap) n += d.nullBitmap.byteLength + 8;
    if (d.typeIds) n += d.typeIds.byteLength + 8;
    if (d.valueOffsets) {
      n += d.valueOffsets.byteLength + 8;
      if (d.values) n += Number(d.valueOffsets[d.length]) - Number(d.valueOffsets[0]) + 8;
    } else if (d.values) n += d.values.byteLength + 8;
    for (const c of d.children) n += dataBytes(c);
    if (d.dictionary) for (const c of d.dictionary.data) n += dataBytes(c);
    return n;
  };
  let n = 64 * 1024;
  for (const batch of table.batches) n += 1024 + dataBytes(batch.data);
  return n;
}
