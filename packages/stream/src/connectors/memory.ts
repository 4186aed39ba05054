import type { RecordBatch, Schema } from 'apache-arrow';
import { batchToRows, inferSchema, rowsToBatch, schemaFromSpec, type Row, type SchemaSpec } from '../arrow-rows.js';
import type { SourceBatch, SourceContext, StreamSink, StreamSource } from '../connector.js';

/**
 * A bounded source over rows or batches held in memory (tests, benchmarks, examples). Its
 * position is the number of batches consumed, so a restart resumes after the checkpoint.
 */
export function memorySource(data: Row[] | RecordBatch[], options: { schema?: SchemaSpec; batchSize?: number } = {}): StreamSource {
  let batches: RecordBatch[];
  let ctx: SourceContext;
  return {
    kind: 'memory',
    describe: () => `memory (${data.length} ${data.length > 0 && !Array.isArray(data[0]) && 'numRows' in (data[0] as object) ? 'batches' : 'rows'})`,
    open(c) {
      ctx = c;
      if (data.length > 0 && typeof (data[0] as RecordBatch).numRows === 'number' && 'schema' in (data[0] as object)) batches = data as RecordBatch[];
      else {
        const rows = data as Row[];
        const schema: Schema = options.schema ? schemaFromSpec(options.schema) : inferSchema(rows);
        const size = options.batchSize ?? 1024;
        batches = [];
        for (let i = 0; i < rows.length; i += size) batches.push(rowsToBatch(rows.slice(i, i + size), schema));
      }
    },
    async *batches(): AsyncIterable<SourceBatch> {
      const from = typeof ctx.position === 'number' ? ctx.position : 0;
      for (let i = from; i < batches.length; i++) {
        if (ctx.signal.aborted) return;
        yield { batch: batches[i], position: i + 1 };
      }
    },
    close() {},
  };
}

/** A sink keeping every row it receives in `rows` (tests). At-least-once: replays may repeat rows. */
export function collectSink(): StreamSink & { rows: Row[]; batches: RecordBatch[] } {
  const rows: Row[] = [];
  const batches: RecordBatch[] = [];
  return {
    kind: 'collect',
    rows,
    batches,
    open() {},
    write(batch) {
      batches.push(batch);
      rows.push(...batchToRows(batch));
    },
    flush() {},
    close() {},
  };
}

/** Prints rows as JSON lines (default to stdout). */
export function consoleSink(options: { stream?: NodeJS.WritableStream; prefix?: string } = {}): StreamSink {
  const out = options.stream ?? process.stdout;
  const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
  return {
    kind: 'console',
    open() {},
    write(batch) {
      const text = batchToRows(batch).map((r) => (options.prefix ?? '') + JSON.stringify(r, replacer)).join('\n') + '\n';
      if (!out.write(text)) return new Promise<void>((resolve) => out.once('drain', () => resolve()));
    },
    flush() {},
    close() {},
  };
}
