import { Redis } from 'ioredis';
import { batchToRows, type SourceBatch, type SourceContext, type StreamSink, type StreamSource } from '@pypeline/stream';
import { connectRedis, releaseRedis as release, safeUrl } from '@pypeline/brokers';
import { Decoder, encodeRows, type DecodeOptions } from './formats.js';
import { withColumn } from './meta-column.js';

export interface RedisStreamOptions {
  /** `redis://[:password@]host:port[/db]` (`rediss://` for TLS). */
  url: string;
  /** The stream's key. */
  stream: string;
  /**
   * `json` (default): one field (`field`) holds the row as JSON. `text`: that field's text is
   * the row `{ value }`. `fields`: each entry's field/value pairs are the columns (text; give a
   * `schema` for other types).
   */
  format?: 'json' | 'text' | 'fields';
  /** The field holding the payload with `json` and `text`. @default 'data' */
  field?: string;
}

export interface RedisStreamSourceOptions extends RedisStreamOptions, Omit<DecodeOptions, 'format'> {
  /** Where a first start begins: the stream's first entry, or entries added after the start. @default 'first' */
  startAt?: 'first' | 'new';
  /** Adds each entry's id as this column. */
  idColumn?: string;
  /** Entries per XREAD at most. @default 1000 */
  batchSize?: number;
  /** How long one XREAD waits for new entries (ms); stopping does not wait for it. @default 5000 */
  blockMs?: number;
}

type Entry = [id: string, fields: string[]];
/** An entry as XREAD's raw reply holds it (ioredis' `xreadBuffer`): the source converts only what it uses. */
type RawEntry = [id: Buffer, fields: Buffer[]];

/**
 * Reads a Redis stream with XREAD (no consumer group: the stream keeps its entries). The
 * position is the id of the last entry processed, and a restart reads the entries after it.
 */
export function redisStreamSource(options: RedisStreamSourceOptions): StreamSource {
  const where = `${safeUrl(options.url)} ${options.stream}`;
  const field = options.field ?? 'data';
  const format = options.format ?? 'json';
  let ctx: SourceContext;
  let redis: Redis | undefined;
  let infoClient: Redis | undefined;
  let decoder: Decoder;
  let last = '0-0';
  // Lag without a consumer group: from a moment when the backlog was known exactly (`base`
  // entries waiting, the stream's `entries-added` counter then at `added`), the backlog is
  // base + entries added since - entries read since. Known from the start when reading from the
  // first entry or from new ones, and again every time the reader catches up.
  let known: { base: number; added: number; read: number } | undefined;
  let missingWarned = false;
  const remember = (info: Record<string, unknown> | undefined, base: number, read = 0) => {
    known = { base, added: addedOf(info), read };
  };
  // Entries read since open, for a backlog counted in the background after a restart.
  let readSinceOpen = 0;
  /**
   * After a restart from a checkpoint, counts the entries after it (Redis cannot count a range
   * without reading it) on the info connection while the reader works, up to BACKLOG_COUNT_LIMIT
   * entries; past that the lag stays unknown until the reader catches up.
   */
  const countBacklog = async (client: Redis, info: Record<string, unknown>, from: string) => {
    const to = info['last-generated-id'] as string;
    let counted = 0;
    let start = `(${from}`;
    while (counted < BACKLOG_COUNT_LIMIT) {
      const page = (await client.xrange(options.stream, start, to, 'COUNT', BACKLOG_PAGE)) as Entry[];
      counted += page.length;
      if (page.length < BACKLOG_PAGE) {
        // Entries read since open are among those counted; the reader may have caught up meanwhile.
        if (!known) remember(info, counted, readSinceOpen);
        return;
      }
      start = `(${page[page.length - 1][0]}`;
    }
    ctx.log('info', `redis stream source "${ctx.id}": more than ${BACKLOG_COUNT_LIMIT} entries to catch up on after the checkpoint; lag is shown once the backlog is read`);
  };

  const fieldsObject = (fields: Buffer[]): Record<string, string> => {
    const obj: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) obj[fields[i].toString()] = fields[i + 1].toString();
    return obj;
  };

  // The payload field's name as bytes: entries are read raw and only the payload becomes text
  // (ioredis would turn every id, field name and value into a string first).
  const fieldBytes = Buffer.from(field);
  // Each entry's payload for the decoder, or undefined for an entry without the payload field.
  const payload = ([id, fields]: RawEntry): string | undefined => {
    if (format === 'fields') return JSON.stringify(fieldsObject(fields));
    for (let i = 0; i + 1 < fields.length; i += 2) if (sameBytes(fields[i], fieldBytes)) return fields[i + 1].toString();
    const why = `entry ${id.toString()} of ${where} has no field "${field}" (it has ${Object.keys(fieldsObject(fields)).join(', ') || 'none'}): set field, or format: 'fields'`;
    if ((options.onError ?? 'fail') === 'fail') throw new Error(`${why}, or onError: 'skip'`);
    ctx.log('warn', `skipped: ${why}`);
    return undefined;
  };

  const toBatch = (entries: RawEntry[]) => {
    const payloads: string[] = [];
    const meta: Array<Record<string, string>> | undefined = options.idColumn ? [] : undefined;
    for (const e of entries) {
      const p = payload(e);
      if (p === undefined) continue;
      payloads.push(p);
      meta?.push({ [options.idColumn!]: e[0].toString() });
    }
    return decoder.decode(payloads, meta);
  };

  const warnMissing = () => {
    if (missingWarned) return;
    missingWarned = true;
    ctx.log('warn', `redis stream source "${ctx.id}": stream "${options.stream}" does not exist on ${safeUrl(options.url)}; waiting for it to be created (the first XADD creates it). If it should exist, check stream (and the database number in url)`);
  };

  return {
    kind: 'redis-stream',
    describe: () => where,
    async open(c) {
      ctx = c;
      decoder = new Decoder(`redis stream source "${c.id}" (${where})`, withColumn({ ...options, format: format === 'text' ? 'text' : 'json' }, options.idColumn), c.log);
      redis = await connectRedis(options.url, c.log);
      // XREAD blocks `redis`, so lag asks on its own connection, failing fast while Redis is away.
      infoClient = redis.duplicate({ enableOfflineQueue: false, maxRetriesPerRequest: 0 });
      infoClient.on('error', () => {}); // reported by the main connection
      await infoClient.connect().catch(() => {});
      const info = await streamInfo(redis, options.stream).catch((e: Error) => {
        this.close(); // the runner closes only sources that opened
        throw new Error(`cannot read stream "${options.stream}": ${e.message}`);
      });
      if (typeof c.position === 'string') {
        last = c.position;
        if (info && last === info['last-generated-id']) remember(info, 0);
        else if (info && infoClient.status === 'ready') void countBacklog(infoClient, info, last).catch(() => {}); // lag stays unknown
      } else if (options.startAt === 'new') {
        last = (info?.['last-generated-id'] as string | undefined) ?? '0-0';
        c.setPosition(last); // a restart before the first entry still starts here
        remember(info, 0);
      } else remember(info, (info?.length as number | undefined) ?? 0);
      if (!info) warnMissing();
    },
    async *batches(): AsyncIterable<SourceBatch> {
      const client = redis!;
      // XREAD blocks its connection: closing it is how a stop interrupts the wait.
      const stop = () => release(client);
      ctx.signal.addEventListener('abort', stop, { once: true });
      try {
        while (!ctx.signal.aborted) {
          let res: Array<[Buffer, RawEntry[]]> | null;
          try {
            res = (await client.xreadBuffer('COUNT', options.batchSize ?? 1000, 'BLOCK', options.blockMs ?? 5000, 'STREAMS', options.stream, last)) as Array<[Buffer, RawEntry[]]> | null;
          } catch (e) {
            if (ctx.signal.aborted) return;
            throw new Error(`redis ${where}: XREAD failed: ${(e as Error).message}${/WRONGTYPE/.test((e as Error).message) ? ` (key "${options.stream}" is not a stream)` : ''}`);
          }
          const entries = res?.[0]?.[1];
          if (!entries?.length) continue;
          const batch = toBatch(entries);
          last = entries[entries.length - 1][0].toString();
          readSinceOpen += entries.length;
          if (known) known.read += entries.length;
          if (batch) yield { batch, position: last };
        }
      } finally {
        ctx.signal.removeEventListener('abort', stop);
      }
    },
    async lag() {
      if (infoClient?.status !== 'ready') return undefined;
      const info = await streamInfo(infoClient, options.stream);
      if (!info) return 0; // nothing to read until the stream is created
      if (last === info['last-generated-id']) {
        remember(info, 0);
        return 0;
      }
      // After a restart from a checkpoint the backlog is unknown until countBacklog has counted it.
      if (!known) return undefined;
      const lag = known.base + (addedOf(info) - known.added) - known.read;
      // Trimming (MAXLEN, XDEL) can remove entries not read yet; the stream never holds more than its length.
      return Math.max(0, Math.min(lag, info.length as number));
    },
    close() {
      release(redis);
      release(infoClient);
      redis = infoClient = undefined;
    },
  };
}

export interface RedisStreamSinkOptions extends RedisStreamOptions {
  /** Trims the stream to about this many entries (XADD MAXLEN ~). */
  maxLen?: number;
}

/** Appends each row as an entry (XADD, one pipeline per batch); a write completes when Redis has them all. */
export function redisStreamSink(options: RedisStreamSinkOptions): StreamSink {
  const where = `${safeUrl(options.url)} ${options.stream}`;
  const trim = options.maxLen !== undefined ? ['MAXLEN', '~', String(options.maxLen)] : [];
  let redis: Redis | undefined;

  const entries = (batch: Parameters<StreamSink['write']>[0]): string[][] => {
    if (options.format === 'fields') {
      return batchToRows(batch).map((row) => Object.entries(row).filter(([, v]) => v !== null && v !== undefined).flatMap(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]));
    }
    return encodeRows(batch).map((text) => [options.field ?? 'data', text]);
  };

  return {
    kind: 'redis-stream',
    describe: () => where,
    async open(c) {
      redis = await connectRedis(options.url, c.log);
    },
    async write(batch) {
      const pipeline = redis!.pipeline();
      for (const fields of entries(batch)) pipeline.xadd(options.stream, ...trim, '*', ...fields);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([e]) => e);
      if (failed) throw new Error(`redis ${where}: XADD failed: ${failed[0]!.message}`);
    },
    flush() {},
    close() {
      release(redis);
      redis = undefined;
    },
  };
}

/**
 * Whether two short byte strings are equal, compared in JavaScript: `Buffer.equals` is a call
 * into C++ per entry, which for a field name of a few bytes cost more than the comparison.
 */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The stream's `entries-added` counter (Redis 7+), or its length on older servers (exact without trimming). */
const BACKLOG_PAGE = 5000;
const BACKLOG_COUNT_LIMIT = 200_000;

function addedOf(info: Record<string, unknown> | undefined): number {
  if (!info) return 0;
  return (info['entries-added'] as number | undefined) ?? (info.length as number);
}

/** XINFO STREAM as an object; undefined when the key does not exist yet. */
async function streamInfo(redis: Redis, key: string): Promise<Record<string, unknown> | undefined> {
  let reply: unknown[];
  try {
    reply = (await redis.call('XINFO', 'STREAM', key)) as unknown[];
  } catch (e) {
    if (/no such key/i.test((e as Error).message)) return undefined;
    throw e;
  }
  const info: Record<string, unknown> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) info[String(reply[i])] = reply[i + 1];
  return info;
}
