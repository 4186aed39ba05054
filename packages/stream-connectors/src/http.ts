import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { send, statusError } from '@pypeline/http';
import type { ModuleError } from '@pypeline/sdk';
import type { IntakeLog, SourceBatch, SourceContext, StreamSink, StreamSource } from '@pypeline/stream';
import { Decoder, encodeRows, type DecodeOptions } from './formats.js';

export interface HttpSourceOptions extends DecodeOptions {
  /** Port to listen on; 0 picks a free one (see `url()`). */
  port: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** The path senders POST to. @default '/' */
  path?: string;
  /** Larger bodies are refused with 413. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
  /** Most messages per batch read from the intake log. @default 1000 */
  batchSize?: number;
}

/**
 * A webhook receiver. Each POSTed body (a JSON object or an array of objects; any text with
 * `format: 'text'`) is checked, appended to the source's durable intake log, and only then
 * answered `202 Accepted`: a sender that got 202 can rely on the rows being processed, even
 * after a crash (at least once: a sender that got no answer should retry). Undecodable bodies
 * get 400 with the reason, bodies over `maxBodyBytes` 413, and requests while the app stops 503.
 * Batches are read back from the intake log; the position is its last sequence number.
 */
export function httpSource(options: HttpSourceOptions): StreamSource & { url(): string } {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/';
  const maxBytes = options.maxBodyBytes ?? 1 << 20;
  let ctx: SourceContext;
  let intake: IntakeLog;
  let decoder: Decoder;
  let server: Server | undefined;
  let port = options.port;
  let read = 0;
  const url = () => `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (ctx.signal.aborted) return answer(res, 503, 'the stream app is stopping; retry later', { 'retry-after': '5' });
    if (new URL(req.url ?? '/', 'http://x').pathname !== path) return answer(res, 404, `nothing here: POST to ${path}`);
    if (req.method !== 'POST') return answer(res, 405, `use POST to send rows to ${path}`, { allow: 'POST' });
    const body = await readBody(req, maxBytes);
    if (body === undefined) return answer(res, 413, `the body is larger than maxBodyBytes (${maxBytes} bytes): send fewer rows per request`, { connection: 'close' });
    try {
      // A body the app could not decode later is refused now, while the sender can still fix it.
      new Decoder(`http source "${ctx.id}"`, { format: options.format, schema: options.schema, onError: 'fail' }).decode([body]);
    } catch (e) {
      // The decoder's advice to skip bad messages is for the app's author; the sender must fix the body.
      return answer(res, 400, `${(e as Error).message.replace(/ \(fix the producer[^)]*\)$/, '')} (fix the body and send it again)`);
    }
    const seq = intake.append([body]);
    answer(res, 202, JSON.stringify({ accepted: true, seq }), { 'content-type': 'application/json' });
  }

  return {
    kind: 'http',
    describe: () => `http ${url()}`,
    url,
    async open(c) {
      ctx = c;
      intake = c.intake();
      decoder = new Decoder(`http source "${c.id}"`, options, c.log);
      read = typeof c.position === 'number' ? c.position : 0;
      server = createServer((req, res) => {
        handle(req, res).catch((e) => answer(res, 500, `http source "${ctx.id}": ${(e as Error).message}`));
      });
      await listen(server, host, options.port);
      port = (server.address() as { port: number }).port;
      c.log('info', `http source "${c.id}" listening on ${url()}`);
    },
    async *batches(): AsyncIterable<SourceBatch> {
      while (!ctx.signal.aborted) {
        const { records, last } = intake.read(read, options.batchSize ?? 1000);
        if (records.length === 0) {
          await intake.waitFor(read, ctx.signal);
          continue;
        }
        read = last;
        const batch = decoder.decode(records as string[]);
        if (batch) yield { batch, position: last };
      }
    },
    lag: () => intake.lastSeq() - read,
    async close() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}

function answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(text.endsWith('\n') ? text : `${text}\n`);
}

/** The body as text, or undefined when it is larger than `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > max) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the sender still gets its 413.
      if (size > max) return resolve(undefined);
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(new Error(e.code === 'EADDRINUSE'
        ? `port ${port} on ${host} is already in use: stop what listens there, or choose another port`
        : `cannot listen on ${host}:${port}: ${e.message}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export interface HttpSinkOptions {
  url: string;
  /** @default 'POST' */
  method?: 'POST' | 'PUT' | 'PATCH';
  /** Extra headers, e.g. `{ authorization: 'Bearer …' }`. */
  headers?: Record<string, string>;
  /** Rows per request (a JSON array). @default 500 */
  batchSize?: number;
  /** Retries after a 5xx, 429 or network error. @default 3 */
  retries?: number;
  /**
   * Waits between retries: exponential from `initialMs` (the longest first wait), capped at
   * `maxMs`, each with equal jitter (see backoffMs in @pypeline/sdk).
   * @default { initialMs: 200, maxMs: 5000 }
   */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Time one request may take (ms). @default 10000 */
  timeoutMs?: number;
}

/**
 * Sends rows as JSON arrays of up to `batchSize` objects (bigints as text, timestamps as epoch
 * milliseconds). Retries 5xx, 429 and network errors with jittered exponential backoff; a 4xx fails the
 * app with the receiver's answer. At least once: `flush` sends what is buffered before each
 * checkpoint, and a replay after a crash may send rows again.
 */
export function httpSink(options: HttpSinkOptions): StreamSink {
  const size = options.batchSize ?? 500;
  let pending: string[] = [];
  let id = 'http';
  const send = async (all: boolean) => {
    while (pending.length >= (all ? 1 : size)) {
      const rows = pending.slice(0, size);
      await postWithRetries(`http sink "${id}"`, options, `[${rows.join(',')}]`);
      pending = pending.slice(rows.length);
    }
  };
  return {
    kind: 'http',
    describe: () => `${options.method ?? 'POST'} ${options.url}`,
    open(ctx) {
      id = ctx.id;
    },
    async write(batch) {
      pending.push(...encodeRows(batch));
      await send(false);
    },
    flush: () => send(true),
    close() {
      pending = [];
    },
  };
}

async function postWithRetries(where: string, options: HttpSinkOptions, body: string): Promise<void> {
  const request = { method: options.method ?? 'POST', url: options.url, headers: { 'content-type': 'application/json', ...options.headers }, body };
  const retries = options.retries ?? 3;
  const answer = await send(request, { where, retries, backoff: options.backoff, timeoutMs: options.timeoutMs ?? 10_000 }).catch((e: ModuleError) => {
    // A stream app reports the message alone: the fix goes into it.
    throw new Error(`${e.message}; ${e.hint ?? 'check that the receiver is up'}`);
  });
  if (answer.ok) return;
  const { message } = statusError(where, request, answer, retries);
  if (answer.status === 429 || answer.status >= 500) throw new Error(`${message}; check that the receiver is up, or raise retries`);
  throw new Error(`${message} (the receiver refused the rows; not retried: fix the rows or the endpoint)`);
}
