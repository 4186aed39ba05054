import type { RecordBatch, Schema } from 'apache-arrow';
import { batchToRows, batchWriter, inferSchema, rowsToBatch, schemaFromSpec, type Row, type SchemaSpec, type StreamLogger } from '@pypeline/stream';

/** How message payloads become rows. */
export interface DecodeOptions {
  /** `json` (default): each message is a JSON object, or an array of objects. `text`: one row `{ value }`. */
  format?: 'json' | 'text';
  /** Column types; without it they are inferred from the first batch and then kept. */
  schema?: SchemaSpec;
  /** A message that cannot be decoded: `fail` (default) stops the app; `skip` logs and drops it. */
  onError?: 'fail' | 'skip';
}

/** One decoder for every message: building a TextDecoder per batch cost more than decoding a small batch. */
const utf8 = new TextDecoder();

/** Message metadata added as columns when asked (e.g. the MQTT topic). */
export type Meta = Record<string, unknown>;

/**
 * Decodes payloads into one record batch with a stable schema. Keeps the schema across calls
 * (declared, or inferred from the first messages). Throws a message naming the connector and
 * the bad payload when `onError` is `fail`.
 */
export class Decoder {
  private schema: Schema | undefined;
  private skipped = 0;
  constructor(private readonly where: string, private readonly options: DecodeOptions = {}, private readonly log?: StreamLogger) {
    if (options.schema) this.schema = schemaFromSpec(options.schema);
  }

  decode(payloads: ReadonlyArray<Uint8Array | string>, meta?: ReadonlyArray<Meta>): RecordBatch | undefined {
    const rows: Row[] = [];
    const json = (this.options.format ?? 'json') === 'json';
    // Once the schema is known, each row also goes straight into the columns as it is parsed;
    // a row that needs the generic path (a value of another type) drops the writer for rowsToBatch.
    let writer = json && this.schema ? batchWriter(this.schema, payloads.length) : undefined;
    for (let i = 0; i < payloads.length; i++) {
      const p = payloads[i];
      const s = typeof p === 'string' ? p : utf8.decode(p);
      const m = meta?.[i];
      if (!json) {
        rows.push(m ? { value: s, ...m } : { value: s });
        continue;
      }
      let v: unknown;
      try {
        v = JSON.parse(s);
      } catch (e) {
        this.bad(`is not JSON (${(e as Error).message})`, s);
        continue;
      }
      // The parsed objects are this decoder's own: metadata is added to them in place.
      if (isObject(v)) {
        const row = m ? Object.assign(v, m) : v;
        rows.push(row);
        if (writer && !writer.add(row)) writer = undefined;
      } else if (!Array.isArray(v)) this.bad('is not a JSON object', s);
      else {
        writer = undefined; // a message of several rows: more rows than messages
        for (const item of v) {
          // A bad item is skipped (or fails the app) on its own; the others of the message stay.
          if (isObject(item)) rows.push(m ? Object.assign(item, m) : item);
          else this.bad('holds an item that is not a JSON object', s);
        }
      }
    }
    if (rows.length === 0) return undefined;
    if (writer) return writer.finish();
    this.schema ??= inferSchema(rows);
    return rowsToBatch(rows, this.schema);
  }

  private bad(why: string, payload: string): void {
    const shown = payload.length > 200 ? `${payload.slice(0, 200)}…` : payload;
    if ((this.options.onError ?? 'fail') === 'fail') {
      throw new Error(`${this.where}: a message ${why}: ${shown} (fix the producer, or set onError: 'skip' to drop such messages)`);
    }
    this.skipped++;
    this.log?.('warn', `${this.where}: skipped a message that ${why}`, { skipped: this.skipped, payload: shown });
  }
}

function isObject(v: unknown): v is Row {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/** Each row of a batch as JSON text (bigints as text). */
export function encodeRows(batch: RecordBatch): string[] {
  return batchToRows(batch).map((r) => JSON.stringify(r, replacer));
}
