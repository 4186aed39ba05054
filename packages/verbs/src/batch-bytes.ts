import type { Data, RecordBatch } from 'apache-arrow';

/**
 * The bytes a batch's buffers hold: what the memory budget counts. Buffers shared with a
 * parent (a slice) are counted whole, so a slice may count more than it owns.
 */
export function batchBytes(batch: RecordBatch): number {
  let bytes = 0;
  for (const child of batch.data.children) bytes += dataBytes(child);
  return bytes;
}

function dataBytes(data: Data): number {
  let bytes = (data.values?.byteLength ?? 0) + (data.valueOffsets?.byteLength ?? 0) + (data.nullBitmap?.byteLength ?? 0) + (data.typeIds?.byteLength ?? 0);
  for (const child of data.children) bytes += dataBytes(child);
  if (data.dictionary) for (const d of data.dictionary.data) bytes += dataBytes(d);
  return bytes;
}
