import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Schema } from 'apache-arrow';
import type { Artifact } from '@pypeline/sdk';
import { ParquetArtifact } from '../run/artifact-store.js';
import { entriesDir, evictCache, folderBytes, readEntry, stagingDir, writeEntry, type CacheEntry } from './cache-folder.js';
import { parquet } from '../run/parquet.js';

/** A Parquet file in the cache folder whose content hash is known. */
export class CachedArtifact extends ParquetArtifact {
  constructor(
    path: string,
    numRows: number,
    schema: Schema,
    readonly contentHash: string,
  ) {
    super(path, numRows, schema);
  }
}

export interface CacheHit {
  entry: CacheEntry;
  outputs: Record<string, CachedArtifact>;
}

/** What an entry records besides its outputs, known once the module's streams have ended. */
export type EntryFacts = Pick<CacheEntry, 'module_id' | 'name' | 'package' | 'version' | 'rows_in' | 'globals'>;

/**
 * The cache as one run sees it: look-ups, hashing of inputs and saving of outputs. Files are
 * written under `tmp/<run>/` and an entry appears under `entries/<key>/` by one rename, so a
 * crash never leaves half an entry. At the end of the run the staging folder goes and the
 * cache is trimmed to its size limit, least recently used first.
 */
export class RunCache {
  private readonly used = new Set<string>();
  private counter = 0;
  private readonly staging: string;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    runId: string,
  ) {
    this.staging = join(stagingDir(dir), `${runId}-${randomBytes(3).toString('hex')}`);
  }

  /** The entry for `key` when it holds every port in `ports`; it becomes the most recently used. */
  async lookup(key: string, ports: readonly string[]): Promise<CacheHit | undefined> {
    const dir = join(entriesDir(this.dir), key);
    const entry = readEntry(dir);
    if (!entry || ports.some((p) => !entry.outputs[p] || !existsSync(join(dir, entry.outputs[p].file)))) return undefined;
    const outputs: Record<string, CachedArtifact> = {};
    for (const [port, o] of Object.entries(entry.outputs)) {
      const path = join(dir, o.file);
      outputs[port] = new CachedArtifact(path, o.rows, (await (await parquet()).openParquetBatches(path)).schema, o.hash);
    }
    writeEntry(dir, { ...entry, last_used: new Date().toISOString() });
    this.used.add(key);
    return { entry, outputs };
  }

  /**
   * An input with its content hash. An input that does not come from the cache (its producer
   * is not cacheable) is written to Parquet in the staging folder first: a stream can be read
   * only once, so the module then reads that file instead.
   */
  async hashed(art: Artifact): Promise<CachedArtifact> {
    if (art instanceof CachedArtifact) return art;
    mkdirSync(this.staging, { recursive: true });
    return writeHashed(join(this.staging, `input-${++this.counter}.parquet`), art);
  }

  /** Stores a module's outputs as the entry `key`; returns them read back from the entry. */
  async save(key: string, outputs: Record<string, Artifact>, facts: () => EntryFacts): Promise<Record<string, CachedArtifact>> {
    const tmp = join(this.staging, `entry-${++this.counter}`);
    mkdirSync(tmp, { recursive: true });
    const ports = Object.keys(outputs);
    const written = await Promise.all(ports.map((port) => writeHashed(join(tmp, `${port}.parquet`), outputs[port])));
    const now = new Date().toISOString();
    const entry: CacheEntry = {
      key,
      ...facts(),
      created: now,
      last_used: now,
      bytes: folderBytes(tmp),
      rows_out: written.reduce((n, a) => n + a.numRows, 0),
      outputs: Object.fromEntries(ports.map((port, i) => [port, { file: `${port}.parquet`, rows: written[i].numRows, hash: written[i].contentHash }])),
    };
    writeEntry(tmp, entry);
    const dir = join(entriesDir(this.dir), key);
    mkdirSync(entriesDir(this.dir), { recursive: true });
    const existing = readEntry(dir);
    // WARNING: an equal key means equal content; an entry another module of this run (or another run)
    // just wrote may be in use, so it is kept rather than replaced unless it lacks a port.
    if (existing && ports.every((p) => existing.outputs[p])) rmSync(tmp, { recursive: true, force: true });
    else {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
    this.used.add(key);
    return Object.fromEntries(ports.map((port, i) => [port, new CachedArtifact(join(dir, `${port}.parquet`), written[i].numRows, written[i].schema, written[i].contentHash)]));
  }

  /** Removes this run's staging files and trims the cache; returns the evicted entries. */
  finish(): CacheEntry[] {
    rmSync(this.staging, { recursive: true, force: true });
    return evictCache(this.dir, this.maxBytes, this.used);
  }
}

async function writeHashed(path: string, art: Artifact): Promise<CachedArtifact> {
  const { rows } = await (await parquet()).writeParquetStream(path, art.batches(), { compression: 'snappy', schema: art.schema });
  return new CachedArtifact(path, rows, art.schema, await hashFile(path));
}

// Parquet written from the same rows is byte-identical (row groups are cut at fixed sizes), so the file's hash is the content's.
function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
