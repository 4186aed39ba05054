import type { RecordBatch, Schema } from 'apache-arrow';
import { emptyBatch } from './to-record-batch.js';

/** A stream of record batches that knows its schema before the first batch is read. */
export interface BatchStream extends AsyncIterable<RecordBatch> {
  readonly schema: Schema;
}

/**
 * Splits one producer into two output streams (data and reject) that may be read in any
 * order: reading either advances the producer, and what it yields for the other waits in that
 * one's queue. WARNING: if only one stream is read for a while, the other's batches pile up
 * in memory; the reject stream is usually small, so read the data stream first when you can.
 * Each stream yields at least one batch (an empty one if need be), so its schema travels.
 */
export function splitPorts<T>(
  source: AsyncIterator<T>,
  route: (item: T) => { data: RecordBatch[]; reject: RecordBatch[] },
  schemas: { data: Schema; reject: Schema },
): { data: BatchStream; reject: BatchStream } {
  const queues = { data: [] as RecordBatch[], reject: [] as RecordBatch[] };
  let done = false;
  let failure: { error: unknown } | undefined;
  let pulling: Promise<void> | undefined;
  const pull = () =>
    (pulling ??= source.next().then(
      (step) => {
        pulling = undefined;
        if (step.done) done = true;
        else {
          const routed = route(step.value);
          queues.data.push(...routed.data);
          queues.reject.push(...routed.reject);
        }
      },
      (error) => {
        pulling = undefined;
        failure = { error };
      },
    ));
  const stream = (port: 'data' | 'reject'): BatchStream => ({
    schema: schemas[port],
    async *[Symbol.asyncIterator]() {
      let yielded = false;
      for (;;) {
        const next = queues[port].shift();
        if (next) {
          yielded = true;
          yield next;
        } else if (failure) throw failure.error;
        else if (done) break;
        else await pull();
      }
      if (!yielded) yield emptyBatch(schemas[port]);
    },
  });
  return { data: stream('data'), reject: stream('reject') };
}
