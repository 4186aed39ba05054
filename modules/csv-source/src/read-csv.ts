import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { Table, type Vector } from 'apache-arrow';
import { parse, type Info } from 'csv-parse';
import { ModuleError } from '@pypeline/sdk';
import { headerNames, positionalNames } from './column-names.js';
import { CsvColumn } from './csv-column.js';
import { parseFailure } from './csv-errors.js';
import { inferColumnKind } from './infer-column-kind.js';

export interface CsvReadOptions {
  encoding: 'utf-8' | 'latin1';
  delimiter: string;
  quote: string;
  header: boolean;
  /** Data rows buffered to infer types; 0 buffers the whole file. */
  sampleRows: number;
  signal?: AbortSignal;
}

interface Row {
  fields: string[];
  line: number;
}

/**
 * Reads a CSV file (RFC 4180: quoted fields, CRLF or LF, optional BOM) into an Arrow table,
 * each column typed from a sample of the first rows. Everything format-specific stays behind
 * this function so the parser can be replaced without touching the module.
 */
export async function readCsv(path: string, options: CsvReadOptions): Promise<Table> {
  let names: string[] | undefined;
  let columns: CsvColumn[] | undefined;
  const sample: Row[] = [];
  try {
    for await (const row of records(path, options)) {
      options.signal?.throwIfAborted();
      if (!names) {
        names = options.header ? headerNames(path, row.fields) : positionalNames(row.fields.length);
        if (options.header) continue;
      }
      if (columns) {
        appendRow(columns, row);
      } else {
        sample.push(row);
        if (sample.length === options.sampleRows) columns = startColumns(path, names, sample);
      }
    }
  } catch (error) {
    if (error instanceof ModuleError || options.signal?.aborted) throw error;
    throw parseFailure(path, error as Error);
  }
  columns ??= startColumns(path, names ?? [], sample);
  return toTable(columns);
}

async function* records(path: string, options: CsvReadOptions): AsyncGenerator<Row> {
  const parser = parse({
    bom: true,
    delimiter: options.delimiter,
    quote: options.quote,
    encoding: options.encoding === 'utf-8' ? 'utf8' : 'latin1',
    skip_empty_lines: true,
    info: true,
  });
  // Read errors reach the parser (and so this loop) through pipeline; the callback has nothing left to do.
  pipeline(createReadStream(path), parser, () => {});
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
    yield { fields: record, line: info.lines };
  }
}

function startColumns(path: string, names: string[], sample: Row[]): CsvColumn[] {
  const info = { path, rows: sample.length };
  const columns = names.map((name, i) => new CsvColumn(name, i, inferColumnKind(sample.map((row) => row.fields[i])), info));
  for (const row of sample) appendRow(columns, row);
  sample.length = 0;
  return columns;
}

function appendRow(columns: CsvColumn[], row: Row): void {
  for (const column of columns) column.append(row.fields[column.index], row.line);
}

function toTable(columns: CsvColumn[]): Table {
  const vectors: Record<string, Vector> = {};
  for (const column of columns) vectors[column.name] = column.finish();
  return new Table(vectors);
}
