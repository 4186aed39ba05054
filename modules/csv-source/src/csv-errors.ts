import { ModuleError } from '@pypeline/sdk';
import type { BadRecord } from './parse-chunk.js';
import type { InvalidUtf8 } from './utf8-check.js';

export function fileNotFound(path: string, cause: unknown): ModuleError {
  return new ModuleError(`CSV file ${path} does not exist`, {
    retryable: false,
    hint: 'check file_path (relative paths are resolved from the directory pype runs in)',
    cause,
  });
}

/**
 * The error `on_error: fail` stops with. `typeOrigin` says where the column's type came from,
 * so the user knows whether to fix the data, the sample or the schema; for a value its column
 * does not fit, the hint names the `schema` entry that would hold it (DuckDB's `types=` fix).
 */
export function badRecord(path: string, line: number, bad: BadRecord, typeOrigin: (column: number) => string, names: string[] = []): ModuleError {
  if (bad.column < 0) {
    return new ModuleError(`${path}: cannot parse CSV at line ${line}: ${bad.reason}`, {
      retryable: false,
      hint: 'check that delimiter, quote and encoding match the file and that every row has as many fields as the header, or set on_error to skip or reject',
    });
  }
  const name = names[bad.column];
  const override = name !== undefined && bad.widen ? `set its type in configs.optional.schema, e.g. schema: { ${JSON.stringify(name)}: ${bad.widen} }` : 'set the column type in configs.optional.schema';
  return new ModuleError(`${path}: line ${line}, ${bad.reason}, ${typeOrigin(bad.column)}`, {
    retryable: false,
    hint: `${override}; or set sample_rows to 0 so the whole file is read before types are chosen; or fix the value; or set on_error to skip or reject`,
  });
}

export function duplicateColumn(path: string, name: string, first: number, second: number): ModuleError {
  return new ModuleError(`${path}: the header names column "${name}" twice (columns ${first + 1} and ${second + 1})`, {
    retryable: false,
    hint: 'rename one of them in the file, or set header to false to name columns column_1, column_2, ...',
  });
}

export function unknownSchemaColumns(path: string, unknown: string[], names: string[]): ModuleError {
  return new ModuleError(`${path}: schema sets the type of ${unknown.map((n) => `"${n}"`).join(', ')}, which the file does not have (its columns: ${names.join(', ')})`, {
    retryable: false,
    hint: 'use the column names of the header (or column_1, column_2, ... without one) as the keys of schema',
  });
}

export function badDialect(key: string, value: string): ModuleError {
  return new ModuleError(`${key} must be one single-byte character, got ${JSON.stringify(value)}`, {
    retryable: false,
    hint: `set configs.optional.${key} to one ASCII character such as "," ";" "|" or "\\t"`,
  });
}

/**
 * Bytes that are not UTF-8 (with encoding utf-8): always fatal, whatever on_error says, since
 * the file as a whole is in another encoding. `line` and `offset` are the file's.
 */
export function notUtf8(path: string, line: number, offset: number, bad: InvalidUtf8): ModuleError {
  const byte = `0x${bad.byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return new ModuleError(`${path}: line ${line} is not valid UTF-8: byte ${byte} at byte offset ${offset} (column ${bad.column})`, {
    retryable: false,
    hint: 'the file is in another encoding: set encoding: windows-1252 in configs.optional if it comes from Excel or other Windows software (most Western files), or encoding: latin1 for ISO-8859-1; otherwise convert it to UTF-8, e.g. iconv -f latin1 -t utf-8 in.csv > out.csv (with -f the encoding the file was written in)',
  });
}
