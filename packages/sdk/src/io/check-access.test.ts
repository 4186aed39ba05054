import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkReadable, checkWritable } from './check-access.js';

const dir = mkdtempSync(join(tmpdir(), 'pype-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const root = process.getuid?.() === 0; // root reads and writes whatever the mode says

describe('checkReadable', () => {
  it('says the size of a readable file', async () => {
    writeFileSync(join(dir, 'a.csv'), 'x'.repeat(1500));
    await expect(checkReadable(join(dir, 'a.csv'), 'file_path')).resolves.toBe(`${join(dir, 'a.csv')}: readable, 1.5 kB`);
  });
  it('names the field and the problem: missing, a folder', async () => {
    await expect(checkReadable(join(dir, 'nope.csv'), 'file_path')).rejects.toThrow(`file_path "${join(dir, 'nope.csv')}" does not exist`);
    await expect(checkReadable(dir, 'file_path')).rejects.toThrow('is a folder');
  });
  it.skipIf(root)('refuses a file this user cannot read', async () => {
    writeFileSync(join(dir, 'secret.csv'), 'x');
    chmodSync(join(dir, 'secret.csv'), 0o000);
    await expect(checkReadable(join(dir, 'secret.csv'), 'file_path')).rejects.toThrow('is not readable by this user');
  });
});

describe('checkWritable', () => {
  it('accepts a new file under folders still to be created, and an existing file', async () => {
    await expect(checkWritable(join(dir, 'out/deeper/x.parquet'), 'output_path')).resolves.toBe(`${join(dir, 'out/deeper/x.parquet')}: will be created; ${dir} is writable`);
    writeFileSync(join(dir, 'old.parquet'), '');
    await expect(checkWritable(join(dir, 'old.parquet'), 'output_path')).resolves.toContain('exists, will be replaced');
  });
  it('refuses a folder as the target and a file in the way', async () => {
    mkdirSync(join(dir, 'adir'));
    await expect(checkWritable(join(dir, 'adir'), 'output_path')).rejects.toThrow('is a folder');
    writeFileSync(join(dir, 'afile'), '');
    await expect(checkWritable(join(dir, 'afile/x.parquet'), 'output_path')).rejects.toThrow('is a file, not a folder');
  });
  it.skipIf(root)('refuses a read-only folder', async () => {
    mkdirSync(join(dir, 'ro'));
    chmodSync(join(dir, 'ro'), 0o500);
    await expect(checkWritable(join(dir, 'ro/x.parquet'), 'output_path')).rejects.toThrow('is not writable by this user');
  });
});
