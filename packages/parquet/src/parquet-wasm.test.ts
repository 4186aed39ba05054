import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Runs `body` in a fresh Node process with the built package as `p`; prints whether parquet-wasm is loaded after it. */
function loadedAfter(body: string): string {
  const script = `
    import { createRequire } from 'node:module';
    import { Table, vectorFromArray } from 'apache-arrow';
    const p = await import(${JSON.stringify(dist)});
    const table = new Table({ id: vectorFromArray(Int32Array.of(1, 2, 3)) });
    ${body}
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('parquet_wasm'));
    console.log(loaded ? 'loaded' : 'not loaded');`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', timeout: 60_000 }).trim();
}

describe('parquet-wasm is loaded on first use', () => {
  it('not by importing the package, nor by writing a flat table with snappy', () => {
    expect(loadedAfter('p.encodeParquet(table);')).toBe('not loaded');
  });

  it('by a codec only parquet-wasm writes, and by a read', () => {
    expect(loadedAfter(`p.encodeParquet(table, { compression: 'zstd' });`)).toBe('loaded');
    expect(loadedAfter(`if (p.decodeParquet(p.encodeParquet(table), 'memory').numRows !== 3) throw new Error('read back wrong');`)).toBe('loaded');
  });

  it('still names the codecs for an unknown one, without loading parquet-wasm', () => {
    expect(loadedAfter(`try { p.encodeParquet(table, { compression: 'lzo' }); } catch (e) { if (!/use one of snappy, zstd/.test(e.message)) throw e; }`)).toBe('not loaded');
  });
});
