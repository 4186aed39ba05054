import { mkdirSync } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sleep } from '@pypeline/sdk';
import type { SourceBatch, SourceContext, StreamSink, StreamSource } from '@pypeline/stream';
import picomatch from 'picomatch';
import { encodeRows } from './formats.js';
import { LineDecoder, readFirstLine, readLines, type LineFileOptions } from './file-lines.js';

export interface FileTailOptions extends LineFileOptions {
  path: string;
  /** How often to look for new lines (ms). @default 200 */
  pollMs?: number;
  /** On a first start (no checkpoint), read what the file already holds; false starts at its end. @default true */
  fromStart?: boolean;
}

const DEFAULT_BATCH_BYTES = 1 << 20;

/**
 * Tails an append-only file of lines (JSON lines, CSV with a header line, or text). The
 * position is the byte offset after the last complete line read; a last line without its
 * newline waits for it. When the file shrinks below that offset (truncated) reading restarts
 * at 0 with a warning; when it is renamed away and a new file takes its path (rotated), the
 * old file is read to its end first. A file missing at the start is waited for.
 *
 * WARNING: a rotation while the app is stopped is seen only if the new file is smaller than the
 * checkpointed offset; otherwise reading resumes at that offset of the new file.
 */
export function fileTailSource(options: FileTailOptions): StreamSource {
  let ctx: SourceContext;
  let offset = 0;
  let size = 0;
  return {
    kind: 'file-tail',
    describe: () => `tail ${options.path}`,
    async open(c) {
      ctx = c;
      if (typeof c.position === 'number') offset = c.position;
      else if (options.fromStart === false) offset = (await stat(options.path).catch(() => undefined))?.size ?? 0;
    },
    async *batches(): AsyncIterable<SourceBatch> {
      const where = `file source "${ctx.id}" (${options.path})`;
      const lines = new LineDecoder(where, options, ctx.log);
      let fh: FileHandle | undefined;
      let waiting = false;
      try {
        while (!ctx.signal.aborted) {
          if (!fh) {
            fh = await open(options.path, 'r').catch(() => undefined);
            if (!fh) {
              if (!waiting) ctx.log('info', `${where}: waiting for the file to appear`);
              waiting = true;
              await sleep(options.pollMs ?? 200, ctx.signal);
              continue;
            }
          }
          const st = await fh.stat();
          size = st.size;
          if (st.size < offset) {
            ctx.log('warn', `${where}: the file is shorter (${st.size} bytes) than the offset read (${offset}): it was truncated or replaced; reading again from its start`);
            offset = 0;
            lines.header = undefined;
          }
          if (lines.format === 'csv' && !lines.header) {
            const headerBytes = await readHeader(fh, st.size, lines);
            if (headerBytes === undefined) {
              await sleep(options.pollMs ?? 200, ctx.signal);
              continue;
            }
            if (offset === 0) offset = headerBytes;
          }
          const read = await readLines(fh, offset, st.size, options.maxBatchBytes ?? DEFAULT_BATCH_BYTES, false);
          if (read.lines.length > 0) {
            offset = read.next;
            const batch = lines.decode(read.lines);
            if (batch) yield { batch, position: offset };
            continue;
          }
          if (await rotated(options.path, st.ino)) {
            if (st.size > offset) ctx.log('warn', `${where}: the rotated file ended with an incomplete line (${st.size - offset} bytes), dropped`);
            ctx.log('info', `${where}: the file was rotated; reading the new one from its start`);
            await fh.close();
            fh = undefined;
            offset = 0;
            lines.header = undefined;
            continue;
          }
          await sleep(options.pollMs ?? 200, ctx.signal);
        }
      } finally {
        await fh?.close();
      }
    },
    lag: () => Math.max(0, size - offset),
    close() {},
  };
}

/** Takes the CSV header from the file's first line; false while that line is not complete. */
async function readHeader(fh: FileHandle, size: number, lines: LineDecoder): Promise<number | undefined> {
  const first = await readFirstLine(fh, size);
  if (!first) return undefined;
  lines.setHeader(first.line);
  return first.bytes;
}

async function rotated(path: string, ino: number): Promise<boolean> {
  const now = await stat(path).catch(() => undefined);
  return now !== undefined && now.ino !== ino;
}

export interface FolderSourceOptions extends LineFileOptions {
  /** The folder to watch. */
  path: string;
  /** Which file names to read (a glob such as `*.jsonl`). @default '*' */
  pattern?: string;
  /** How often to list the folder (ms). A file is taken once unchanged for this long. @default 500 */
  pollMs?: number;
}

/** How far a folder source got: every file named up to `done` is read; `current` up to byte `offset`. */
export interface FolderPosition {
  done?: string;
  current?: string;
  offset?: number;
}

/**
 * Reads each file that appears in a folder completely, once, in name order (code-point order),
 * with the line formats of `fileTailSource`. A file is taken once it has not changed for
 * `pollMs`; writing under another name and renaming into place makes that instant. The position
 * names the last file finished and the offset in the file being read.
 *
 * WARNING: name order is the contract. A file that appears with a name sorting before one
 * already read is skipped with a warning: name files so that later ones sort later (a
 * timestamp prefix does).
 */
export function folderSource(options: FolderSourceOptions): StreamSource {
  const pattern = options.pattern ?? '*';
  const matches = picomatch(pattern);
  const pollMs = options.pollMs ?? 500;
  let ctx: SourceContext;
  let pos: FolderPosition = {};
  let waiting = 0;
  return {
    kind: 'folder',
    describe: () => `folder ${join(options.path, pattern)}`,
    async open(c) {
      ctx = c;
      pos = isFolderPosition(c.position) ? { ...c.position } : {};
      const st = await stat(options.path).catch(() => undefined);
      if (!st?.isDirectory()) throw new Error(`folder source "${c.id}": ${options.path} is not a folder: create it, or fix path`);
    },
    async *batches(): AsyncIterable<SourceBatch> {
      const lines = new LineDecoder(`folder source "${ctx.id}" (${options.path})`, options, ctx.log);
      const known = new Set<string>();
      let first = true;
      while (!ctx.signal.aborted) {
        const names = (await readdir(options.path, { withFileTypes: true })).filter((d) => d.isFile() && matches(d.name)).map((d) => d.name).sort();
        for (const n of names) {
          if (!first && !known.has(n) && pos.done !== undefined && n <= pos.done && n !== pos.current) {
            ctx.log('warn', `folder source "${ctx.id}": ${n} appeared after ${pos.done} was read and sorts before it, so it is skipped (name files so that later ones sort later)`);
          }
          known.add(n);
        }
        first = false;
        const todo = names.filter((n) => pos.done === undefined || n > pos.done);
        waiting = todo.length;
        const next = pos.current ?? todo[0];
        if (next === undefined || !(next === pos.current || (await settled(join(options.path, next), pollMs)))) {
          await sleep(pollMs, ctx.signal);
          continue;
        }
        yield* readWhole(next, lines);
      }
    },
    lag: () => waiting,
    close() {},
  };

  async function* readWhole(name: string, lines: LineDecoder): AsyncGenerator<SourceBatch> {
    const fh = await open(join(options.path, name), 'r');
    try {
      const { size } = await fh.stat();
      let offset = pos.current === name ? pos.offset ?? 0 : 0;
      if (lines.format === 'csv') {
        const header = await readFirstLine(fh, size);
        lines.setHeader(header?.line ?? '');
        if (offset === 0) offset = header?.bytes ?? size;
      }
      while (offset < size && !ctx.signal.aborted) {
        const read = await readLines(fh, offset, size, options.maxBatchBytes ?? DEFAULT_BATCH_BYTES, true);
        offset = read.next;
        pos = offset < size ? { done: pos.done, current: name, offset } : { done: name };
        const batch = lines.decode(read.lines);
        if (batch) yield { batch, position: { ...pos } };
      }
      if (offset >= size) pos = { done: name };
    } finally {
      await fh.close();
    }
  }
}

function isFolderPosition(p: unknown): p is FolderPosition {
  return typeof p === 'object' && p !== null && !Array.isArray(p);
}

/** True when the file has not been modified for `ms`: its writer is done with it. */
async function settled(path: string, ms: number): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  return st !== undefined && Date.now() - st.mtimeMs >= ms;
}

export interface FileSinkOptions {
  path: string;
  /** @default 'jsonl' */
  format?: 'jsonl';
}

/**
 * Appends rows to a file as JSON lines (bigints as text, timestamps as epoch milliseconds) and
 * fsyncs it in `flush`, before each checkpoint. At least once: after a crash the rows written
 * since the last checkpoint are written again. An incomplete last line left by a crash is cut
 * off when the sink opens, so every line stays whole.
 */
export function fileSink(options: FileSinkOptions): StreamSink {
  let fh: FileHandle | undefined;
  return {
    kind: 'file',
    describe: () => `append ${options.path}`,
    async open(ctx) {
      if ((options.format ?? 'jsonl') !== 'jsonl') throw new Error(`file sink "${ctx.id}": format "${options.format}" is not supported (use 'jsonl')`);
      mkdirSync(dirname(options.path), { recursive: true });
      fh = await open(options.path, 'a+');
      const cut = await cutIncompleteLine(fh);
      if (cut > 0) ctx.log('warn', `file sink "${ctx.id}": cut an incomplete last line (${cut} bytes) off ${options.path}, left by a run that stopped mid-write; its rows are written again`);
    },
    async write(batch) {
      const rows = encodeRows(batch);
      if (rows.length > 0) await fh!.write(`${rows.join('\n')}\n`);
    },
    async flush() {
      await fh?.sync();
    },
    async close() {
      await fh?.close();
      fh = undefined;
    },
  };
}

/** Truncates the file after its last newline; returns the bytes removed. */
async function cutIncompleteLine(fh: FileHandle): Promise<number> {
  const { size } = await fh.stat();
  let end = size;
  const chunk = Buffer.alloc(64 << 10);
  while (end > 0) {
    const from = Math.max(0, end - chunk.length);
    const { bytesRead } = await fh.read(chunk, 0, end - from, from);
    const nl = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (nl >= 0) {
      end = from + nl + 1;
      break;
    }
    end = from;
  }
  if (end < size) await fh.truncate(end);
  return size - end;
}
