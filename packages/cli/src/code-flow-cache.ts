import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomicSync } from '@pypeline/sdk';

/**
 * What compiling a TypeScript flow produced, kept between runs: esbuild's bundle and the
 * flow's `Context` schema (which needs the TypeScript compiler). A record is used only while
 * every file it came from has the content it had (sha256), so an edit recompiles.
 */
export interface CompiledFlow {
  /** The ESM bundle (packages stay imports). */
  code: string;
  /** The JSON Schema of the exported Context; null: the file exports none; absent: not asked yet. */
  contextSchema?: Record<string, unknown> | null;
}

interface CacheRecord extends CompiledFlow {
  /** The compiler versions the record was made with. */
  made_by: string;
  /** Absolute path → sha256 of every local file the bundle or its types read. */
  inputs: Record<string, string>;
}

/** Where compiled flows are kept: PYPE_FLOW_CACHE_DIR, else a folder of this user's in the OS temp folder. */
export function flowCacheDir(): string {
  return process.env.PYPE_FLOW_CACHE_DIR || join(tmpdir(), `pypeline-flow-cache-${process.getuid?.() ?? 'user'}`);
}

/**
 * The cache folder, or undefined when it cannot be trusted. WARNING: a record's code runs, so a
 * folder another user owns or may write to (the temp folder is shared) is not used.
 */
function cacheFolder(): string | undefined {
  const dir = flowCacheDir();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    const uid = process.getuid?.();
    if (uid !== undefined && (st.uid !== uid || (st.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

const recordPath = (dir: string, file: string) => join(dir, `${createHash('sha256').update(resolve(file)).digest('hex').slice(0, 32)}.json`);
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The kept compilation of `file` by these compilers, or undefined when there is none or a source changed. */
export function cachedFlow(file: string, madeBy: string): CompiledFlow | undefined {
  const dir = cacheFolder();
  if (!dir) return undefined;
  let record: CacheRecord;
  try {
    record = JSON.parse(readFileSync(recordPath(dir, file), 'utf8')) as CacheRecord;
  } catch {
    return undefined; // none yet, or unreadable: compile again
  }
  if (record.made_by !== madeBy) return undefined;
  for (const [path, hash] of Object.entries(record.inputs)) if (!isFile(path) || sha256(path) !== hash) return undefined;
  return { code: record.code, contextSchema: record.contextSchema };
}

/** Adds the Context schema, known once the bundle ran, to the kept compilation of `file`. */
export function keepContextSchema(file: string, contextSchema: Record<string, unknown> | null): void {
  const dir = cacheFolder();
  if (!dir) return;
  try {
    const record = JSON.parse(readFileSync(recordPath(dir, file), 'utf8')) as CacheRecord;
    writeFileAtomicSync(recordPath(dir, file), JSON.stringify({ ...record, contextSchema }), { durable: false });
  } catch {
    // gone or unwritable: the next run asks the compiler again
  }
}

/**
 * Keeps a compilation of `file`. `sources` are the files the bundle was made from (esbuild's
 * metafile); the local files they import for types only, which esbuild never reads, are added,
 * since the Context schema can come from them.
 */
export function keepFlow(file: string, madeBy: string, sources: string[], compiled: CompiledFlow): void {
  const dir = cacheFolder();
  if (!dir) return;
  const inputs: Record<string, string> = {};
  for (const path of withTypeImports(sources.map((s) => resolve(s)))) inputs[path] = sha256(path);
  const record: CacheRecord = { made_by: madeBy, inputs, ...compiled };
  try {
    writeFileAtomicSync(recordPath(dir, file), JSON.stringify(record), { durable: false });
  } catch {
    rmSync(recordPath(dir, file), { force: true }); // a cache that cannot be written only costs speed
  }
}

// `from './x'`, `import('./x')`, `import './x'`: relative specifiers only (packages are not inputs).
const RELATIVE_SPECIFIER = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const TS_CANDIDATES = (base: string) => [base, `${base}.ts`, `${base}.mts`, `${base}.tsx`, `${base}.d.ts`, base.replace(/\.(m?)js$/, '.$1ts'), join(base, 'index.ts')];

/** `files` and every local file they reach through relative imports, type-only ones included. */
function withTypeImports(files: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...files];
  while (queue.length) {
    const path = queue.pop()!;
    if (seen.has(path) || !isFile(path) || path.includes('/node_modules/')) continue;
    seen.add(path);
    const text = readFileSync(path, 'utf8');
    for (const [, spec] of text.matchAll(RELATIVE_SPECIFIER)) {
      const found = TS_CANDIDATES(resolve(dirname(path), spec)).find((c) => c !== path && isFile(c));
      if (found) queue.push(found);
    }
  }
  return [...seen];
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}
