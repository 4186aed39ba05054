import { mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InputFile } from '@pypeline/object-store';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import type { Config } from './config.js';
import { csvReadOptions } from './csv-options.js';
import { openCsvInput } from './open-input.js';
import { openCsv } from './read-csv.js';

const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** Dates the file an hour back and waits until its change time (which utimes sets to now) is over 2 s old. */
async function aged(path: string): Promise<void> {
  utimesSync(path, HOUR_AGO, HOUR_AGO);
  await sleep(Math.max(0, statSync(path).ctimeMs + 2100 - Date.now()));
}

function csvFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'csv-settled-')), 'in.csv');
  writeFileSync(path, content);
  return path;
}

/** openCsv of `path` through an input that counts the reads it starts; the schema as text. */
async function open(path: string, config: Partial<Config> = {}) {
  const ctx = createTestContext<Config>({ config: { file_path: path, ...config } });
  const { path: file, ...options } = csvReadOptions({ file_path: path, ...config }, ctx.pool, ctx.signal);
  const input = await openCsvInput(file, {}, ctx.signal);
  let reads = 0;
  const counted: InputFile = {
    path: input.path,
    size: input.size,
    reader: (start) => (reads++, input.reader(start)),
    stream: (start) => (reads++, input.stream(start)),
    blob: () => input.blob(),
  };
  const csv = await openCsv(counted, options);
  return { types: csv.schema.fields.map((f) => `${f.name}:${f.type}`), reads };
}

describe("a file's header and types, settled once per process", () => {
  it('are not read again for a file unchanged since (a flow is checked, then run)', { timeout: 30_000 }, async () => {
    const path = csvFile('id,name\n1,ada\n2,bob\n');
    await aged(path);
    const first = await open(path);
    expect(first.types).toEqual(['id:Int64', 'name:Utf8']);
    expect(first.reads).toBeGreaterThan(0);
    expect(await open(path)).toEqual({ types: first.types, reads: 0 });
    // Options that decide the header or the types are part of the key.
    expect((await open(path, { header: false })).types).toEqual(['column_1:Utf8', 'column_2:Utf8']);
    expect((await open(path, { sample_rows: 1 })).reads).toBeGreaterThan(0);
  });

  it('are read again when the file was rewritten with the same size and its old modification time', { timeout: 30_000 }, async () => {
    const path = csvFile('id,name\n1,ada\n2,bob\n');
    await aged(path);
    expect((await open(path)).types).toEqual(['id:Int64', 'name:Utf8']);
    expect((await open(path)).reads).toBe(0);
    writeFileSync(path, 'id,name\nx,ada\ny,bob\n');
    utimesSync(path, HOUR_AGO, HOUR_AGO);
    // The change time cannot be set back: it tells the two files apart.
    expect(await open(path)).toMatchObject({ types: ['id:Utf8', 'name:Utf8'] });
  });

  it('are read again for a file written just before it was read (file times are coarse)', async () => {
    const path = csvFile('id,name\n1,ada\n2,bob\n');
    expect((await open(path)).types).toEqual(['id:Int64', 'name:Utf8']);
    // Same size, same inode, within the same clock tick most likely: only the 2 s rule tells.
    writeFileSync(path, 'id,name\nx,ada\ny,bob\n');
    const again = await open(path);
    expect(again.types).toEqual(['id:Utf8', 'name:Utf8']);
    expect(again.reads).toBeGreaterThan(0);
  });
});
