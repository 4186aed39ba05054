import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PypeError } from '../errors.js';
import { writeFileAtomicSync } from '@pypeline/sdk';

export const DEFAULT_CACHE_DIR = '.pype-cache';
export const DEFAULT_CACHE_MAX_BYTES = 1024 ** 3;
export const CACHE_DIR_ENV = 'PYPE_CACHE_DIR';
export const ENTRY_FILE = 'entry.json';

/**
 * One cached module run: `<cache>/entries/<key>/entry.json` plus one Parquet file per output.
 * It holds no config (so no secret can land here), only what a hit needs to stand in for a run.
 */
export interface CacheEntry {
  key: string;
  module_id: string;
  name: string;
  package: string;
  version: string;
  created: string;
  last_used: string;
  /** Bytes of the entry's files. */
  bytes: number;
  rows_in: number;
  rows_out: number;
  /** Globals the module set (`ctx.setGlobal`), restored on a hit; secret values redacted. */
  globals: Record<string, unknown>;
  outputs: Record<string, { file: string; rows: number; hash: string }>;
}

/** The cache folder: `--cache-dir`, else `PYPE_CACHE_DIR`, else `.pype-cache` in the working directory. */
export function resolveCacheDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(explicit || env[CACHE_DIR_ENV] || DEFAULT_CACHE_DIR);
}

export function entriesDir(cacheDir: string): string {
  return join(cacheDir, 'entries');
}

export function stagingDir(cacheDir: string): string {
  return join(cacheDir, 'tmp');
}

export function readEntry(dir: string): CacheEntry | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, ENTRY_FILE), 'utf8')) as CacheEntry;
  } catch {
    return undefined;
  }
}

export function writeEntry(dir: string, entry: CacheEntry): void {
  writeFileAtomicSync(join(dir, ENTRY_FILE), `${JSON.stringify(entry, null, 2)}\n`);
}

/** Every complete entry, least recently used first. */
export function listCache(cacheDir: string): CacheEntry[] {
  const root = entriesDir(cacheDir);
  if (!existsSync(root)) return [];
  const out: CacheEntry[] = [];
  for (const name of readdirSync(root)) {
    const entry = readEntry(join(root, name));
    if (entry) out.push(entry);
  }
  return out.sort((a, b) => a.last_used.localeCompare(b.last_used));
}

/** Removes every entry and leftover staging file; returns what was removed. */
export function clearCache(cacheDir: string): { entries: number; bytes: number } {
  assertCacheFolder(cacheDir);
  const entries = listCache(cacheDir);
  for (const sub of [entriesDir(cacheDir), stagingDir(cacheDir)]) rmSync(sub, { recursive: true, force: true });
  return { entries: entries.length, bytes: entries.reduce((n, e) => n + e.bytes, 0) };
}

/**
 * Drops least recently used entries until the cache fits in `maxBytes`. Entries in `keep`
 * (used by the run that is ending) go last, so one run's own outputs survive when they can.
 */
export function evictCache(cacheDir: string, maxBytes: number, keep: ReadonlySet<string> = new Set()): CacheEntry[] {
  const entries = listCache(cacheDir);
  let total = entries.reduce((n, e) => n + e.bytes, 0);
  const order = [...entries.filter((e) => !keep.has(e.key)), ...entries.filter((e) => keep.has(e.key))];
  const evicted: CacheEntry[] = [];
  for (const e of order) {
    if (total <= maxBytes) break;
    rmSync(join(entriesDir(cacheDir), e.key), { recursive: true, force: true });
    total -= e.bytes;
    evicted.push(e);
  }
  return evicted;
}

export function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

/** `512MiB`, `1 GiB`, `200mb`, `1e9` -> bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmgt]?i?b?)?\s*$/i.exec(text);
  if (!m) throw new PypeError(`cannot read the size "${text}"`, { hint: 'write a number of bytes or use a unit: 500MiB, 2GiB, 100MB' });
  const unit = (m[2] ?? '').toLowerCase().replace(/b$/, '');
  const powers: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3, ti: 1024 ** 4 };
  if (!(unit in powers)) throw new PypeError(`unknown size unit in "${text}"`, { hint: 'use B, KiB, MiB, GiB, TiB (or KB, MB, GB, TB)' });
  return Math.round(Number(m[1]) * powers[unit]);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

// WARNING: `pype cache clear` deletes folders; only ever inside something that looks like a cache.
function assertCacheFolder(cacheDir: string): void {
  if (!existsSync(cacheDir)) return;
  const extra = readdirSync(cacheDir).filter((f) => f !== 'entries' && f !== 'tmp');
  if (extra.length) {
    throw new PypeError(`${cacheDir} does not look like a PYpeline cache (it holds ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', ...' : ''})`, {
      hint: 'point --cache-dir (or PYPE_CACHE_DIR) at the cache folder itself',
    });
  }
}
