import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchToRows, memorySource, rowsToBatch, runStream, schemaFromSpec, streamApp, type SourceBatch, type SourceContext, type StreamSource } from '@pypeline/stream';
import { until } from '@pypeline/test-services';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fileSink, fileTailSource, folderSource } from './files.js';

const root = mkdtempSync(join(tmpdir(), 'pype-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => join(root, `${n++}-${name}`);

const stops: Array<() => void> = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

/** Opens a source as the runner would, keeping its log; `next()` waits for one batch. */
async function opened(source: StreamSource, position?: unknown) {
  const stop = new AbortController();
  const logs: string[] = [];
  const ctx: SourceContext = {
    id: 'src', position, signal: stop.signal,
    log: (level, message) => logs.push(`${level}: ${message}`),
    intake: () => { throw new Error('no intake'); },
    setPosition: () => {},
  };
  await source.open(ctx);
  const it = source.batches()[Symbol.asyncIterator]();
  // Ends the generator too, so that it closes the file it holds open.
  stops.push(() => {
    stop.abort();
    void it.return?.(undefined);
  });
  // A call that timed out still waits for its batch: the next call takes it over.
  let pending: Promise<IteratorResult<SourceBatch>> | undefined;
  // A batch is due within one poll; the long default is for a busy machine, where a poll can lag.
  const next = async (ms = 20_000): Promise<SourceBatch & { rows: unknown[] }> => {
    pending ??= it.next();
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([pending, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no batch in time')), ms)))]);
    clearTimeout(timer);
    pending = undefined;
    if (r.done) throw new Error('the source ended');
    return { ...r.value, rows: batchToRows(r.value.batch) };
  };
  /** True when no batch comes within `ms`. */
  const quiet = (ms = 150) => next(ms).then(() => false, (e: Error) => e.message === 'no batch in time');
  return { next, quiet, logs, stop };
}

describe('fileTailSource', () => {
  it('reads complete JSON lines, holds back a last line until its newline, and positions at the byte after the last line', async () => {
    const path = fresh('tail.jsonl');
    writeFileSync(path, '{"n": 1}\n\n{"n": 2}\n{"n": ');
    const src = await opened(fileTailSource({ path, schema: { n: 'int32' }, pollMs: 10 }));
    const first = await src.next();
    expect(first.rows).toEqual([{ n: 1 }, { n: 2 }]);
    expect(first.position).toBe(Buffer.byteLength('{"n": 1}\n\n{"n": 2}\n'));
    expect(await src.quiet()).toBe(true);
    appendFileSync(path, '3}\r\n{"n": 4}\n');
    const second = await src.next();
    expect(second.rows).toEqual([{ n: 3 }, { n: 4 }]);
    expect(second.position).toBe(readFileSync(path).length);
  });

  it('resumes at a checkpointed offset, or at the end of the file with fromStart: false', async () => {
    const path = fresh('resume.jsonl');
    writeFileSync(path, '{"n": 1}\n{"n": 2}\n');
    expect((await (await opened(fileTailSource({ path, pollMs: 10 }), 9)).next()).rows).toEqual([{ n: 2 }]);
    const tail = await opened(fileTailSource({ path, pollMs: 10, fromStart: false }));
    expect(await tail.quiet()).toBe(true);
    appendFileSync(path, '{"n": 3}\n');
    expect((await tail.next()).rows).toEqual([{ n: 3 }]);
  });

  it('starts again from 0 with a warning when the file is truncated', async () => {
    const path = fresh('trunc.jsonl');
    writeFileSync(path, '{"n": 1}\n{"n": 2}\n');
    const src = await opened(fileTailSource({ path, pollMs: 10 }));
    await src.next();
    truncateSync(path, 0);
    appendFileSync(path, '{"n": 9}\n');
    expect((await src.next()).rows).toEqual([{ n: 9 }]);
    expect(src.logs.join('\n')).toMatch(/warn: file source "src" \(.*trunc\.jsonl\): the file is shorter \(9 bytes\) than the offset read \(18\): it was truncated or replaced; reading again from its start/);
  });

  it('finishes a rotated file before reading the new one from its start, and waits for a missing file', async () => {
    const path = fresh('rot.log');
    const src = await opened(fileTailSource({ path, format: 'text', pollMs: 10 }));
    expect(await src.quiet()).toBe(true);
    expect(src.logs).toContain(`info: file source "src" (${path}): waiting for the file to appear`);
    writeFileSync(path, 'one\n');
    expect((await src.next()).rows).toEqual([{ value: 'one' }]);
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, 'two\n');
    writeFileSync(path, 'three\n');
    const rows = [...(await src.next()).rows, ...(await src.next()).rows];
    expect(rows).toEqual([{ value: 'two' }, { value: 'three' }]);
    expect(src.logs.join('\n')).toMatch(/the file was rotated; reading the new one from its start/);
  });

  it('reads CSV with a header line, also when resuming in the middle of the file', async () => {
    const path = fresh('data.csv');
    writeFileSync(path, 'id,name,score\n1,"Smith, J",2.5\n2,,3\n');
    const spec = { id: 'int32', name: 'string', score: 'float64' } as const;
    const first = await (await opened(fileTailSource({ path, format: 'csv', schema: spec, pollMs: 10 }))).next();
    expect(first.rows).toEqual([{ id: 1, name: 'Smith, J', score: 2.5 }, { id: 2, name: null, score: 3 }]);
    const afterFirstRow = Buffer.byteLength('id,name,score\n1,"Smith, J",2.5\n');
    expect((await (await opened(fileTailSource({ path, format: 'csv', schema: spec, pollMs: 10 }), afterFirstRow)).next()).rows).toEqual([{ id: 2, name: null, score: 3 }]);

    appendFileSync(path, '3,x\n');
    const bad = await opened(fileTailSource({ path, format: 'csv', pollMs: 10 }), afterFirstRow);
    await expect(bad.next()).rejects.toThrow(/a line is not a CSV record of the header's 3 columns .*: 3,x \(fix the file, or set onError: 'skip'/);
  });

  it('feeds an app whose restart over the same state reads only the lines added since', async () => {
    const path = fresh('events.jsonl');
    const out = fresh('out.jsonl');
    const dir = fresh('state');
    const run = async (lines: string[], expected: number) => {
      appendFileSync(path, lines.join(''));
      const app = streamApp('tail_app');
      app.source('tail', fileTailSource({ path, schema: { n: 'int64' }, pollMs: 10 })).to(fileSink({ path: out }));
      const stop = new AbortController();
      const running = runStream(app, { stateDir: dir, signal: stop.signal, fsync: false });
      const written = () => readFileSync(out, 'utf8').split('\n').filter(Boolean).length;
      await until(() => written() >= expected, () => `${expected} lines in ${out} (got ${written()})`);
      stop.abort();
      await running;
    };
    mkdirSync(dir);
    writeFileSync(out, '');
    await run(['{"n": 1}\n', '{"n": 2}\n'], 2);
    await run(['{"n": 3}\n'], 3);
    expect(readFileSync(out, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
  });
});

describe('folderSource', () => {
  const write = (dir: string, name: string, text: string, ageMs = 10_000) => {
    writeFileSync(join(dir, name), text);
    const t = (Date.now() - ageMs) / 1000;
    utimesSync(join(dir, name), t, t);
  };

  it('reads each matching file once, in name order, and names the last one done in its position', async () => {
    const dir = fresh('in');
    mkdirSync(dir);
    write(dir, 'b.jsonl', '{"n": 2}\n{"n": 3}');
    write(dir, 'a.jsonl', '{"n": 1}\n');
    write(dir, 'notes.txt', 'ignored\n');
    const src = await opened(folderSource({ path: dir, pattern: '*.jsonl', schema: { n: 'int32' }, pollMs: 20 }));
    const a = await src.next();
    expect(a).toMatchObject({ rows: [{ n: 1 }], position: { done: 'a.jsonl' } });
    const b = await src.next();
    expect(b).toMatchObject({ rows: [{ n: 2 }, { n: 3 }], position: { done: 'b.jsonl' } });
    expect(await src.quiet()).toBe(true);

    // A file still being written is taken once it has not changed for pollMs.
    write(dir, 'c.jsonl', '{"n": 4}\n', 0);
    expect((await src.next()).rows).toEqual([{ n: 4 }]);
    write(dir, 'a2.jsonl', '{"n": 0}\n');
    expect(await src.quiet(200)).toBe(true);
    expect(src.logs.join('\n')).toMatch(/a2\.jsonl appeared after c\.jsonl was read and sorts before it, so it is skipped/);
  });

  it('resumes inside the file a checkpoint stopped in, and skips the files before it', async () => {
    const dir = fresh('resume');
    mkdirSync(dir);
    write(dir, '1.jsonl', '{"n": 1}\n');
    write(dir, '2.jsonl', '{"n": 2}\n{"n": 3}\n{"n": 4}\n');
    const small = await opened(folderSource({ path: dir, schema: { n: 'int32' }, pollMs: 20, maxBatchBytes: 12 }), { done: '1.jsonl' });
    const part = await small.next();
    expect(part).toMatchObject({ rows: [{ n: 2 }], position: { done: '1.jsonl', current: '2.jsonl', offset: 9 } });

    const resumed = await opened(folderSource({ path: dir, schema: { n: 'int32' }, pollMs: 20 }), part.position);
    expect(await resumed.next()).toMatchObject({ rows: [{ n: 3 }, { n: 4 }], position: { done: '2.jsonl' } });
  });

  it('says when the folder is missing', async () => {
    await expect(opened(folderSource({ path: join(root, 'nope') }))).rejects.toThrow(/folder source "src": .*nope is not a folder: create it, or fix path/);
  });
});

describe('fileSink', () => {
  it('appends JSON lines, and cuts an incomplete last line a crash left before appending', async () => {
    const path = join(fresh('out'), 'sub', 'rows.jsonl');
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '{"id":0}\n{"id":');
    const logs: string[] = [];
    const sink = fileSink({ path });
    await sink.open({ id: 'out', app: 'a', log: (_l, m) => logs.push(m) });
    await sink.write(rowsToBatch([{ id: 1, big: 2n ** 60n, at: Date.UTC(2024, 0, 1) }], schemaFromSpec({ id: 'int32', big: 'int64', at: 'timestamp' })));
    await sink.flush();
    await sink.close();
    expect(readFileSync(path, 'utf8')).toBe(`{"id":0}\n{"id":1,"big":"1152921504606846976","at":${Date.UTC(2024, 0, 1)}}\n`);
    expect(logs).toEqual([`file sink "out": cut an incomplete last line (6 bytes) off ${path}, left by a run that stopped mid-write; its rows are written again`]);
  });

  it('creates the folder and the file, and writes what an app sends it', async () => {
    const path = join(fresh('new'), 'deep', 'out.jsonl');
    const app = streamApp('to_file');
    app.source('rows', memorySource([{ a: 1 }, { a: 2 }])).to(fileSink({ path }));
    await runStream(app, { stateDir: fresh('state'), fsync: false });
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"a":2}\n');
  });
});
