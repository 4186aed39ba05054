import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { removeStaleTemps } from './stale-temps.js';

/*
 * The one way PYpeline writes a file it must never leave half-written: readers see the old file
 * or the whole new one, and after a crash or power cut `path` holds one of the two. Every write
 * takes the same steps: a temp file in the same folder (so the rename stays on one file system)
 * under a unique name (two writers of one path never share it), write, fsync the file, rename it
 * over `path`, fsync the folder (the rename itself is then durable). Missing parent folders are
 * created; a failure removes the temp file and leaves `path` as it was. A writer killed mid-write
 * leaves its temp file behind; the next write of the same path removes it (removeStaleTemps).
 */

/** A file being written beside its target; nothing is at `path` until `commit()`. */
export interface AtomicFile {
  readonly path: string;
  /** Bytes written so far. */
  readonly size: number;
  /** Appends a chunk (strings as UTF-8). */
  write(chunk: Uint8Array | string): Promise<void>;
  /** Syncs the file, renames it over `path` and syncs the folder; on failure the temp file is removed. */
  commit(): Promise<void>;
  /** Removes the temp file; safe after a failure at any point, and after `commit()` (then it does nothing). */
  abort(): Promise<void>;
}

/** Opens a temp file beside `path` for a streaming write: write chunks, then `commit()` or `abort()`. */
export async function openAtomicFile(path: string): Promise<AtomicFile> {
  await mkdir(dirname(path), { recursive: true });
  removeStaleTemps(path);
  const temp = tempPathFor(path);
  const handle = await open(temp, 'wx');
  let size = 0;
  const abort = async () => {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
  };
  return {
    path,
    get size() {
      return size;
    },
    async write(chunk) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      await writeAll(handle, bytes);
      size += bytes.length;
    },
    async commit() {
      try {
        await handle.sync();
        await handle.close();
        await rename(temp, path);
      } catch (error) {
        await abort();
        throw error;
      }
      await syncFolderAsync(dirname(path));
    },
    abort,
  };
}

/**
 * Writes `data` (bytes, text, or chunks of either as they come) to `path` atomically; returns
 * the bytes written.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string | AsyncIterable<Uint8Array | string>): Promise<number> {
  return fillAtomicFile(await openAtomicFile(path), data);
}

/**
 * Writes `data` to an opened AtomicFile (a local temp file, an object upload) and commits it;
 * on any failure aborts it, so nothing is left. Returns the bytes written.
 */
export async function fillAtomicFile(file: AtomicFile, data: Uint8Array | string | AsyncIterable<Uint8Array | string>): Promise<number> {
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await file.write(data);
    else for await (const chunk of data) await file.write(chunk);
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.commit();
  return file.size;
}

export interface WriteFileAtomicSyncOptions {
  /**
   * Whether to fsync the file and its folder. Only for files rewritten every second whose loss
   * in a power cut is harmless (live metrics): the rename still keeps readers from a torn file.
   * @default true
   */
  durable?: boolean;
}

/** `writeFileAtomic` for synchronous callers (checkpoints, job folders, registry files). */
export function writeFileAtomicSync(path: string, data: Uint8Array | string, options: WriteFileAtomicSyncOptions = {}): void {
  const durable = options.durable ?? true;
  mkdirSync(dirname(path), { recursive: true });
  removeStaleTemps(path);
  const temp = tempPathFor(path);
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeFileSync(fd, data);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  if (durable) syncFolder(dirname(path));
}

/** `.<name>.<pid>.<random>.tmp` beside `path`: hidden, and unique across processes and calls. */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
}

// Platforms that cannot open or fsync a folder (Windows, some network file systems) say so with
// these codes; there the rename is as durable as the platform makes it.
const FOLDER_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP']);

/** Makes a rename in `dir` durable. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    if (!FOLDER_SYNC_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `syncFolder` off the event loop: an fsync takes milliseconds to tens of them on a busy disk. */
async function syncFolderAsync(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!FOLDER_SYNC_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}
