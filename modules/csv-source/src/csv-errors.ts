import { ModuleError } from '@pypeline/sdk';
import { KIND_LABELS, type ColumnKind } from './column-kinds.js';

/** What a type error needs to say about the sample the type came from. */
export interface SampleInfo {
  path: string;
  /** Data rows the types were inferred from. */
  rows: number;
}

export function fileNotFound(path: string, cause: unknown): ModuleError {
  return new ModuleError(`CSV file ${path} does not exist`, {
    retryable: false,
    hint: 'check file_path (relative paths are resolved from the directory pype runs in)',
    cause,
  });
}

export function valueMismatch(sample: SampleInfo, line: number, column: string, index: number, kind: ColumnKind, text: string): ModuleError {
  const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  return new ModuleError(
    `${sample.path}: line ${line}, column "${column}" (${index + 1}): value ${JSON.stringify(shown)} is not ${KIND_LABELS[kind]}, ` +
      `the type inferred for the column from the first ${sample.rows} rows`,
    {
      retryable: false,
      hint: 'fix the value, or set sample_rows to 0 so the whole file is read before types are chosen',
    },
  );
}

export function parseFailure(path: string, error: Error & { lines?: number }): ModuleError {
  const where = error.lines === undefined ? '' : ` at line ${error.lines}`;
  return new ModuleError(`${path}: cannot parse CSV${where}: ${error.message}`, {
    retryable: false,
    hint: 'check that delimiter, quote and encoding match the file, and that every row has as many fields as the header',
    cause: error,
  });
}

export function duplicateColumn(path: string, name: string, first: number, second: number): ModuleError {
  return new ModuleError(`${path}: the header names column "${name}" twice (columns ${first + 1} and ${second + 1})`, {
    retryable: false,
    hint: 'rename one of them in the file, or set header to false to name columns column_1, column_2, ...',
  });
}
