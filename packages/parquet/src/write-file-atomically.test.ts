import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomically } from './write-file-atomically.js';

describe('writeFileAtomically', () => {
  it('creates parent directories and replaces an existing file whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    const path = join(dir, 'a', 'b', 'out.bin');
    await writeFileAtomically(path, new Uint8Array([1, 2, 3]));
    await writeFileAtomically(path, new Uint8Array([4, 5]));
    expect([...readFileSync(path)]).toEqual([4, 5]);
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['out.bin']);
  });

  it('removes the temp file and leaves the target alone when the rename fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    const target = join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'x');
    await expect(writeFileAtomically(target, new Uint8Array([1]))).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readdirSync(target)).toEqual(['keep.txt']);
  });
});
