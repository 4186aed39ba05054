import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchToRows, collectSink, MemoryStateStore, rowsToBatch, runStream, schemaFromSpec, streamApp, type Row, type SourceContext } from '@pypeline/stream';
import { until } from '@pypeline/test-services';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { httpSink, httpSource } from './http.js';

const post = (url: string, body: string, method = 'POST') => fetch(url, { method, body: method === 'GET' ? undefined : body });

describe('httpSource', () => {
  const stops: AbortController[] = [];
  afterEach(() => stops.forEach((s) => s.abort()));

  /** Opens a source on a free port over an in-memory intake log (what the runner passes). */
  async function opened(options: Partial<Parameters<typeof httpSource>[0]> = {}, position?: number, store = new MemoryStateStore()) {
    const stop = new AbortController();
    stops.push(stop);
    const source = httpSource({ port: 0, path: '/hook', ...options });
    const ctx: SourceContext = { id: 'web', position, signal: stop.signal, log: () => {}, intake: () => store.intake('web'), setPosition: () => {} };
    await source.open(ctx);
    return { source, stop, store, intake: store.intake('web') };
  }

  it('appends each accepted body to the intake log before answering 202, and reads them back as batches with their sequence number', async () => {
    const { source, intake, store } = await opened({ schema: { id: 'int64', name: 'string' } });
    const res = await post(source.url(), JSON.stringify({ id: 1, name: 'a' }));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true, seq: 1 });
    expect(intake.lastSeq()).toBe(1);
    expect((await post(source.url(), JSON.stringify([{ id: 2, name: 'b' }, { id: 3, name: 'c' }]))).status).toBe(202);
    expect(source.lag?.()).toBe(2);

    const it = source.batches()[Symbol.asyncIterator]();
    const first = (await it.next()).value;
    expect(batchToRows(first.batch)).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }]);
    expect(first.position).toBe(2);
    await source.close();

    // After a restart from position 1 (a checkpoint took the first body) only the second is replayed.
    const again = await opened({ schema: { id: 'int64', name: 'string' } }, 1, store);
    const replay = (await again.source.batches()[Symbol.asyncIterator]().next()).value;
    expect(batchToRows(replay.batch)).toEqual([{ id: 2, name: 'b' }, { id: 3, name: 'c' }]);
    await again.source.close();
  });

  it('answers 400 with the reason for an undecodable body, 413 for one too large, 404/405 for the wrong path or method, and 503 while stopping', async () => {
    const { source, stop, intake } = await opened({ maxBodyBytes: 100 });
    const bad = await post(source.url(), '{"id": 1,');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/^http source "web": a message is not JSON .*: \{"id": 1, \(fix the body and send it again\)/);
    const notObject = await post(source.url(), '[1, 2]');
    expect(notObject.status).toBe(400);
    expect(await notObject.text()).toMatch(/is not a JSON object/);
    const big = await post(source.url(), JSON.stringify({ text: 'x'.repeat(200) }));
    expect(big.status).toBe(413);
    expect(await big.text()).toMatch(/larger than maxBodyBytes \(100 bytes\)/);
    expect((await post(source.url().replace('/hook', '/other'), '{}')).status).toBe(404);
    expect((await post(source.url(), '', 'GET')).status).toBe(405);
    expect(intake.lastSeq()).toBe(0);

    stop.abort();
    const stopping = await post(source.url(), '{"id": 2}');
    expect(stopping.status).toBe(503);
    expect(stopping.headers.get('retry-after')).toBe('5');
    await source.close();
  });

  it('takes any text as one { value } row with format text', async () => {
    const { source } = await opened({ format: 'text' });
    expect((await post(source.url(), 'plain words')).status).toBe(202);
    const batch = (await source.batches()[Symbol.asyncIterator]().next()).value;
    expect(batchToRows(batch.batch)).toEqual([{ value: 'plain words' }]);
    await source.close();
  });

  it('runs in an app: rows posted reach the sink, and a restart over the same state reads only new bodies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-http-'));
    try {
      const run = async (bodies: Row[]) => {
        const source = httpSource({ port: 0, schema: { n: 'int32' } });
        const sink = collectSink();
        const app = streamApp('webhook');
        app.source('web', source).to(sink);
        const stop = new AbortController();
        const running = runStream(app, { stateDir: dir, signal: stop.signal, fsync: false });
        await until(() => !source.url().includes(':0/'), 'the server to listen');
        for (const b of bodies) expect((await post(source.url(), JSON.stringify(b))).status).toBe(202);
        await until(() => sink.rows.length >= bodies.length, 'the rows to arrive');
        stop.abort();
        expect((await running).reason).toBe('stopped');
        return sink.rows;
      };
      expect(await run([{ n: 1 }, { n: 2 }])).toEqual([{ n: 1 }, { n: 2 }]);
      expect(await run([{ n: 3 }])).toEqual([{ n: 3 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after a machine crash tore the intake log\'s last append, cuts it off, says so, and goes on numbering', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-http-'));
    try {
      const run = async (bodies: Row[], logs: string[] = []) => {
        const source = httpSource({ port: 0, schema: { n: 'int32' } });
        const sink = collectSink();
        const app = streamApp('webhook');
        app.source('web', source).to(sink);
        const stop = new AbortController();
        const running = runStream(app, { stateDir: dir, signal: stop.signal, fsync: false, log: (level, message) => logs.push(`${level}: ${message}`) });
        await until(() => !source.url().includes(':0/'), 'the server to listen');
        const seqs: number[] = [];
        for (const b of bodies) seqs.push(((await (await post(source.url(), JSON.stringify(b))).json()) as { seq: number }).seq);
        await until(() => sink.rows.length >= bodies.length, 'the rows to arrive');
        stop.abort();
        expect((await running).reason).toBe('stopped');
        return { rows: sink.rows, seqs };
      };
      expect((await run([{ n: 1 }, { n: 2 }])).seqs).toEqual([1, 2]);
      // What a power loss can leave: the start of a frame (a header promising more bytes than follow).
      const folder = join(dir, 'intake', 'source-web');
      const [segment] = readdirSync(folder);
      const header = Buffer.alloc(20);
      header.writeUInt32LE(500, 0);
      header.writeDoubleLE(3, 8);
      header.writeUInt32LE(1, 16);
      appendFileSync(join(folder, segment), Buffer.concat([header, Buffer.from('{"n":')]));
      const logs: string[] = [];
      const after = await run([{ n: 3 }], logs);
      expect(after).toEqual({ rows: [{ n: 3 }], seqs: [3] });
      expect(logs.filter((l) => l.startsWith('warn'))).toEqual([expect.stringMatching(/^warn: source "web": its intake log ended in a torn append \(25 bytes, left by a machine crash while writing\); cut off at the last whole append/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says when its port is taken', async () => {
    const { source } = await opened();
    const port = Number(new URL(source.url()).port);
    await expect(opened({ port })).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use: stop what listens there, or choose another port`);
    await source.close();
  });
});

describe('httpSink', () => {
  /** A receiver answering each request with the next scripted status (then 200), keeping the bodies it accepted. */
  let server: Server;
  let url = '';
  let script: number[] = [];
  let received: unknown[][] = [];
  let attempts = 0;
  const listen = async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        attempts++;
        const status = script.shift() ?? 200;
        if (status === 200) received.push(JSON.parse(body));
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status === 200 ? 'ok' : `status ${status}: bad field "ts"`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/ingest`;
  };
  const reset = (statuses: number[]) => {
    script = statuses;
    received = [];
    attempts = 0;
  };
  beforeAll(listen);
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const batch = (n: number) => rowsToBatch(Array.from({ length: n }, (_, i) => ({ id: i + 1, big: 2n ** 53n + BigInt(i) })), schemaFromSpec({ id: 'int32', big: 'int64' }));
  const opened = async (options: Partial<Parameters<typeof httpSink>[0]> = {}) => {
    const sink = httpSink({ url, backoff: { initialMs: 5 }, ...options });
    await sink.open({ id: 'out', app: 'a', log: () => {} });
    return sink;
  };

  it('posts full batches on write and the rest on flush, as JSON arrays with bigints as text', async () => {
    reset([]);
    const sink = await opened({ batchSize: 2 });
    await sink.write(batch(5));
    expect(received.map((r) => r.length)).toEqual([2, 2]);
    await sink.flush();
    expect(received.map((r) => r.length)).toEqual([2, 2, 1]);
    expect(received[0]).toEqual([{ id: 1, big: '9007199254740992' }, { id: 2, big: '9007199254740993' }]);
  });

  it('retries 5xx and 429 answers with backoff, then succeeds', async () => {
    reset([503, 429, 500]);
    const sink = await opened();
    const started = Date.now();
    await sink.write(batch(1));
    await sink.flush();
    expect(attempts).toBe(4);
    expect(received).toHaveLength(1);
    // Equal jitter waits between half and all of 5, 10 and 20 ms: at least 17.5 ms in all, less a
    // millisecond of clock granularity per wait.
    expect(Date.now() - started).toBeGreaterThanOrEqual((5 + 10 + 20) / 2 - 3);
  });

  it('fails at once on a 4xx with the receiver\'s answer, and after the retries on repeated 5xx', async () => {
    reset([422]);
    const refused = await opened();
    await refused.write(batch(1));
    await expect(Promise.resolve(refused.flush())).rejects.toThrow(`http sink "out": POST ${url} answered 422 Unprocessable Entity: status 422: bad field "ts" (the receiver refused the rows; not retried`);
    expect(attempts).toBe(1);

    reset([503, 503, 503]);
    const down = await opened({ retries: 2 });
    await down.write(batch(1));
    await expect(Promise.resolve(down.flush())).rejects.toThrow(/answered 503 Service Unavailable: status 503.*gave up after 3 attempts/);
    expect(attempts).toBe(3);
  });

  it('retries network errors and names the cause when the receiver is down', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const downUrl = `http://127.0.0.1:${(closed.address() as { port: number }).port}/x`;
    await new Promise<void>((r) => closed.close(() => r()));
    const sink = httpSink({ url: downUrl, retries: 1, backoff: { initialMs: 5 } });
    await sink.open({ id: 'out', app: 'a', log: () => {} });
    await sink.write(batch(1));
    await expect(Promise.resolve(sink.flush())).rejects.toThrow(`http sink "out": POST ${downUrl} failed: connection refused (ECONNREFUSED) (gave up after 2 attempts); nothing listens at 127.0.0.1:`);
  });
});
