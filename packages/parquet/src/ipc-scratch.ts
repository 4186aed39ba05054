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
    const sink = new ScratchSink(this.free.pop(), ipcSizeOf(table));
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
    this.buffer = buffer && buffer.length >= expected ? buffer : shared(expected);
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

/** About the IPC stream's size: the buffers' bytes with padding, plus room for the headers. */
function ipcSizeOf(table: Table): number {
  const dataBytes = (d: Data): number => {
    let n = 64;
    for (const b of [d.values, d.valueOffsets, d.nullBitmap, d.typeIds] as (ArrayBufferView | undefined)[]) if (b) n += b.byteLength + 8;
    for (const c of d.children) n += dataBytes(c);
    if (d.dictionary) for (const c of d.dictionary.data) n += dataBytes(c);
    return n;
  };
  let n = 64 * 1024;
  for (const batch of table.batches) n += 1024 + dataBytes(batch.data);
  return n;
}
