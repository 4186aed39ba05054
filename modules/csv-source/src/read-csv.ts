import { stat } from 'node:fs/promises';
import type { RecordBatch, Schema } from 'apache-arrow';
import type { InputFile } from '@pypeline/object-store';
import { isObjectUrl, type WorkerPool } from '@pypeline/sdk';
import type { Charset } from './charset.js';
import { headerNames, positionalNames } from './column-names.js';
import type { ColumnKind } from './column-kinds.js';
import { badDialect, badRecord, notUtf8, unknownSchemaColumns } from './csv-errors.js';
import { readFirstRecord } from './first-record.js';
import { ALL_KINDS, inferChunk, kindOf, mergeInferred, type InferTask, type Inferred } from './infer-kinds.js';
import { parseChunk, type BadRecord, type CsvDialect, type OnError, type ParseTask, type ParsedChunk } from './parse-chunk.js';
import { ChunkBuffers, readChunks } from './read-chunks.js';
import { csvSchema, toRecordBatch } from './to-record-batch.js';
import { findInvalidUtf8 } from './utf8-check.js';
import { csvWorkerFile } from './worker-file.js';

export interface CsvReadOptions {
  encoding: Charset;
  delimiter: string;
  quote: string;
  escape: string;
  header: boolean;
  /** Data rows read to infer types; 0 reads the whole file. */
  sampleRows: number;
  /** Column types that override inference. */
  schema: Record<string, ColumnKind>;
  onError: OnError;
  /** Bytes of CSV per chunk (and so per record batch). */
  chunkBytes: number;
  pool: WorkerPool;
  signal?: AbortSignal;
}

/** A bad record with its line in the file. */
export type Reject = BadRecord;

export interface CsvChunk {
  batch: RecordBatch;
  rejects: Reject[];
  /** Bytes of the file read up to the end of this chunk. */
  end: number;
}

export interface CsvRead {
  schema: Schema;
  /** The file's rows, one batch per chunk in file order. Read once. */
  chunks(): AsyncGenerator<CsvChunk>;
  /** Counts so far; final when `chunks()` is done. */
  readonly stats: { rows: number; skipped: number; rejected: number };
}

interface Layout {
  names: string[];
  /** Offset of the first data record in the first chunk. */
  dataStart: number;
  /** Line number of that offset. */
  firstLine: number;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** Files up to this size are parsed on the calling thread (about a millisecond of work per 64 KiB). */
const INLINE_PARSE_BYTES = 256 * 1024;

/**
 * Opens a CSV file for a streaming read: the header and column types are settled now (so a
 * missing file or a bad header fails before any data flows), the rows are parsed chunk by
 * chunk in the worker pool as `chunks()` is read, a few chunks ahead and in file order.
 */
export async function openCsv(input: InputFile, options: CsvReadOptions): Promise<CsvRead> {
  const path = input.path;
  const dialect = dialectOf(options);
  const { layout, inferred } = await settle(input, dialect, options);
  const unknown = Object.keys(options.schema).filter((name) => !layout.names.includes(name));
  if (unknown.length) throw unknownSchemaColumns(path, unknown, layout.names);
  const kinds = layout.names.map((name, i) => options.schema[name] ?? kindOf(inferred.masks[i], inferred.seen[i]));
  const schema = csvSchema(layout.names, kinds);
  const sampled = Math.max(inferred.rows, 1);
  const rowBytes = Math.max(inferred.recordBytes / sampled, 2);
  const template: Omit<ParseTask, 'bytes' | 'start'> = {
    dialect,
    kinds,
    names: layout.names,
    onError: options.onError,
    rowsHint: Math.ceil((options.chunkBytes / rowBytes) * 1.1),
    bytesPerRow: inferred.bytes.map((n) => Math.ceil((n / sampled) * 1.2) + 1),
  };
  const stats = { rows: 0, skipped: 0, rejected: 0 };
  const typeOrigin = (column: number) =>
    options.schema[layout.names[column]] ? 'the type set for the column in schema' : `the type inferred for the column from the first ${inferred.rows} rows (sample_rows: ${options.sampleRows})`;

  async function* chunks(): AsyncGenerator<CsvChunk> {
    const pending: { parsed: Promise<ParsedChunk>; bytes: Uint8Array; offset: number; end: number }[] = [];
    const buffers = new ChunkBuffers(options.chunkBytes);
    const ahead = Math.max(2, options.pool.size + 1);
    let lineBase = layout.firstLine - 1;
    let start = layout.dataStart;
    let offset = 0;
    const finish = async (next: { parsed: Promise<ParsedChunk>; bytes: Uint8Array; offset: number; end: number }): Promise<CsvChunk> => {
      const parsed = await next.parsed;
      // The parsed columns are copies: the chunk's buffer can take a later chunk.
      buffers.give(next.bytes);
      if (parsed.invalidUtf8) throw notUtf8(path, lineBase + parsed.invalidUtf8.line, next.offset + parsed.invalidUtf8.offset, parsed.invalidUtf8);
      const rejects = parsed.bad.map((bad) => ({ ...bad, line: lineBase + bad.line }));
      lineBase += parsed.lines;
      if (options.onError === 'fail' && rejects.length) throw badRecord(path, rejects[0].line, rejects[0], typeOrigin, layout.names);
      stats.rows += parsed.rows;
      stats.skipped += parsed.skipped;
      stats.rejected += rejects.length;
      return { batch: toRecordBatch(schema, parsed.rows, parsed.columns), rejects, end: next.end };
    };
    try {
      for await (const bytes of readChunks(input, dialect, options.chunkBytes, options.signal, buffers)) {
        const task: ParseTask = { ...template, bytes, start };
        start = 0;
        // A small file is parsed here: handing it to a worker thread would cost more than
        // parsing it (the first task starts the thread). A big file's chunks all go to the pool,
        // so this thread stays free to read and infer (iterations over many files overlap).
        const parsed = input.size <= INLINE_PARSE_BYTES
          ? Promise.resolve().then(() => parseChunk(task))
          : options.pool.run<ParsedChunk>(task, { filename: csvWorkerFile, signal: options.signal });
        pending.push({ parsed, bytes, offset, end: offset + bytes.length });
        offset += bytes.length;
        if (pending.length >= ahead) yield await finish(pending.shift()!);
      }
      while (pending.length) yield await finish(pending.shift()!);
    } finally {
      // Tasks still running when the reader stops early must not surface as unhandled rejections.
      for (const p of pending) p.parsed.catch(() => {});
    }
  }

  return { schema, chunks, stats };
}

interface Settled {
  layout: Layout;
  inferred: Inferred;
}

/**
 * The header and the inference of local files already opened in this process, by the file's
 * identity (device, inode, size, modification and change times) and the options that decide
 * them: `pype run` opens each file to check the flow's schemas and again to run it, and
 * inference over a big file's sample (or, with sample_rows 0, the whole file) is not free.
 * A file changed since has another identity and is read again. As git does with its index, a
 * file changed less than 2 s before it was read is not kept: file times are coarse (a few ms
 * on Linux), so a rewrite of the same size right after the read could keep its identity.
 */
const settledFiles = new Map<string, Settled>();
const SETTLED_FILES_KEPT = 64;
const RACY_MS = 2000;

async function settle(input: InputFile, dialect: CsvDialect, options: CsvReadOptions): Promise<Settled> {
  const readAt = Date.now();
  const file = await identity(input, dialect, options);
  const known = file && settledFiles.get(file.key);
  if (known) return known;
  const first = await firstChunk(input, dialect, options);
  const layout = first ? readLayout(input.path, first, dialect, options) : { names: [], dataStart: 0, firstLine: 1 };
  const settled = { layout, inferred: await inferKinds(input, dialect, layout, options) };
  if (!file || readAt - file.changedMs < RACY_MS) return settled;
  if (settledFiles.size >= SETTLED_FILES_KEPT) settledFiles.delete(settledFiles.keys().next().value!);
  settledFiles.set(file.key, settled);
  return settled;
}

/** The cache key of a local file read with these options, and when it last changed; undefined for an object in object storage, or a file stat cannot see. */
async function identity(input: InputFile, dialect: CsvDialect, options: CsvReadOptions): Promise<{ key: string; changedMs: number } | undefined> {
  if (isObjectUrl(input.path)) return undefined;
  try {
    const s = await stat(input.path, { bigint: true });
    if (Number(s.size) !== input.size) return undefined;
    const key = JSON.stringify([input.path, String(s.dev), String(s.ino), String(s.size), String(s.mtimeNs), String(s.ctimeNs), dialect, options.header, options.sampleRows, options.chunkBytes]);
    return { key, changedMs: Math.max(Number(s.mtimeMs), Number(s.ctimeMs)) };
  } catch {
    return undefined;
  }
}

function dialectOf(options: CsvReadOptions): CsvDialect {
  const byte = (key: string, value: string) => {
    if (value.length !== 1 || value.charCodeAt(0) > 0x7f) throw badDialect(key, value);
    return value.charCodeAt(0);
  };
  return {
    delimiter: byte('delimiter', options.delimiter),
    quote: byte('quote', options.quote),
    escape: byte('escape', options.escape || options.quote),
    charset: options.encoding,
  };
}

async function firstChunk(input: InputFile, dialect: CsvDialect, options: CsvReadOptions): Promise<Uint8Array | undefined> {
  const reader = readChunks(input, dialect, options.chunkBytes, options.signal);
  const { value } = await reader.next();
  await reader.return(undefined);
  return value ?? undefined;
}

function readLayout(path: string, first: Uint8Array, dialect: CsvDialect, options: CsvReadOptions): Layout {
  const bom = dialect.charset === 'utf-8' && UTF8_BOM.every((byte, i) => first[i] === byte) ? 3 : 0;
  const record = readFirstRecord(first, bom, dialect);
  const invalid = dialect.charset !== 'utf-8' || !record ? null : findInvalidUtf8(first, 0, record.next);
  if (invalid) throw notUtf8(path, invalid.line, invalid.offset, invalid);
  if (!record) return { names: [], dataStart: bom, firstLine: 1 };
  if (!options.header) return { names: positionalNames(record.fields.length), dataStart: bom, firstLine: 1 };
  return { names: headerNames(path, record.fields), dataStart: record.next, firstLine: 1 + record.lines };
}

/** Inference over the sample (the first chunks), or over the whole file in the pool for sample_rows 0. */
async function inferKinds(input: InputFile, dialect: CsvDialect, layout: Layout, options: CsvReadOptions): Promise<Inferred> {
  const columns = layout.names.length;
  let result: Inferred = { rows: 0, masks: Array(columns).fill(ALL_KINDS), seen: Array(columns).fill(false), bytes: Array(columns).fill(0), recordBytes: 0 };
  let start = layout.dataStart;
  const whole = options.sampleRows <= 0;
  const pending: Promise<Inferred>[] = [];
  for await (const bytes of readChunks(input, dialect, options.chunkBytes, options.signal)) {
    const task: InferTask = { bytes, start, dialect, columns, maxRows: whole ? Infinity : options.sampleRows - result.rows };
    start = 0;
    if (!whole) {
      result = mergeInferred(result, inferChunk(task));
      if (result.rows >= options.sampleRows) break;
      continue;
    }
    pending.push(options.pool.run<Inferred>(task, { filename: csvWorkerFile, name: 'infer', transferList: [bytes.buffer as ArrayBuffer], signal: options.signal }));
    if (pending.length > options.pool.size) result = mergeInferred(result, await pending.shift()!);
  }
  for (const p of pending) result = mergeInferred(result, await p);
  return result;
}
