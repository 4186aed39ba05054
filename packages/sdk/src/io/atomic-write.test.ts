import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAtomicFile, writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';

const folder = () => mkdtempSync(join(tmpdir(), 'atomic-'));

/** A folder holding a sub folder where a file named `name` should go: every rename onto it fails. */
function blockedTarget(): { dir: string; target: string } {
  const dir = folder();
  const target = join(dir, 'taken');
  mkdirSync(target);
  writeFileSync(join(target, 'keep.txt'), 'x');
  return { dir, target };
}

describe('writeFileAtomic', () => {
  it('creates parent folders, replaces an existing file whole and leaves no temp file', async () => {
    const dir = folder();
    const path = join(dir, 'a', 'b', 'out.bin');
    expect(await writeFileAtomic(path, new Uint8Array([1, 2, 3]))).toBe(3);
    expect(await writeFileAtomic(path, 'é\n')).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe('é\n');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['out.bin']);
  });

  it('writes chunks as they come, and a failing source leaves neither target nor temp file', async () => {
    const dir = folder();
    const path = join(dir, 'lines.txt');
    async function* lines(fail: boolean) {
      yield 'one\n';
      yield new TextEncoder().encode('two\n');
      if (fail) throw new Error('source broke');
    }
    expect(await writeFileAtomic(path, lines(false))).toBe(8);
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n');
    await expect(writeFileAtomic(join(dir, 'other.txt'), lines(true))).rejects.toThrow('source broke');
    expect(readdirSync(dir)).toEqual(['lines.txt']);
  });

  it('removes the temp file and leaves the target alone when the rename fails', async () => {
    const { dir, target } = blockedTarget();
    await expect(writeFileAtomic(target, new Uint8Array([1]))).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readdirSync(target)).toEqual(['keep.txt']);
  });
});

describe('openAtomicFile', () => {
  it('shows nothing at the path until commit, counts bytes, and abort removes the temp file', async () => {
    const dir = folder();
    const path = join(dir, 'stream.bin');
    const file = await openAtomicFile(path);
    await file.write(new Uint8Array(70_000).fill(7));
    await file.write('ab');
    expect(file.size).toBe(70_002);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(readdirSync(dir)[0]).toMatch(/^\.stream\.bin\.\d+\.[0-9a-f]+\.tmp$/);
    await file.commit();
    expect(readFileSync(path)).toHaveLength(70_002);
    await file.abort(); // after commit: nothing to do
    expect(readdirSync(dir)).toEqual(['stream.bin']);

    const dropped = await openAtomicFile(join(dir, 'dropped.bin'));
    await dropped.write('partial');
    await dropped.abort();
    expect(readdirSync(dir)).toEqual(['stream.bin']);
  });

  it('gives two writers of one path their own temp files; the last commit wins whole', async () => {
    const path = join(folder(), 'same.txt');
    const [a, b] = await Promise.all([openAtomicFile(path), openAtomicFile(path)]);
    await a.write('from a');
    await b.write('from b, longer');
    await a.commit();
    await b.commit();
    expect(readFileSync(path, 'utf8')).toBe('from b, longer');
  });
});

describe('writeFileAtomicSync', () => {
  it('writes and replaces like the async variant, durable or not', () => {
    const dir = folder();
    const path = join(dir, 'x', 'state.json');
    writeFileAtomicSync(path, '{"a":1}');
    writeFileAtomicSync(path, new TextEncoder().encode('{"a":2}'), { durable: false });
    expect(readFileSync(path, 'utf8')).toBe('{"a":2}');
    expect(readdirSync(join(dir, 'x'))).toEqual(['state.json']);
  });

  it('removes the temp file and leaves the target alone when the rename fails', () => {
    const { dir, target } = blockedTarget();
    expect(() => writeFileAtomicSync(target, 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});
