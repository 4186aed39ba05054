import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { fileWriteError } from './write-error.js';

describe('fileWriteError', () => {
  it('names the file and the fix; a path that is a folder is not retried', async () => {
    const dir = mkdtempSync(`${tmpdir()}/write-error-`);
    const real = await writeFile(dir, 'x').catch((e: unknown) => e);
    const error = fileWriteError('CSV', dir, real);
    expect(error.message).toBe(`cannot write CSV file ${dir}: ${(real as Error).message}`);
    expect(error.message).toMatch(/EISDIR/);
    expect(error.retryable).toBe(false);
    expect(error.hint).toMatch(/not a folder/);
    expect(error.cause).toBe(real);
  });

  it('retries what may pass (a full disk), reads the code from a wrapped cause, and keeps a message that already says it', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(fileWriteError('JSON', '/data/out.json', full).retryable).toBe(true);
    const wrapped = new Error('cannot write Parquet file /ro/out.parquet: read-only file system', { cause: Object.assign(new Error('EROFS'), { code: 'EROFS' }) });
    const error = fileWriteError('Parquet', '/ro/out.parquet', wrapped);
    expect(error.message).toBe('cannot write Parquet file /ro/out.parquet: read-only file system');
    expect(error.retryable).toBe(false);
  });
});
