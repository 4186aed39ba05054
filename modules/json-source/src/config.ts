/** A column type `schema` can set (the types inference chooses from). */
export type JsonColumnType = 'int64' | 'float64' | 'boolean' | 'date' | 'timestamp' | 'utf8';

import type { S3Options } from '@pypeline/object-store';

/** Configuration of `json_source`. */
export interface Config extends S3Options {
  /**
   * Path to the JSON file, or an s3://bucket/key object (see the s3_* options): JSON Lines (one object per line) or one JSON array of objects
   * @format path
   */
  file_path: string;
  /**
   * `jsonl` (one object per line), `array` (a JSON array of objects), or `auto`: an array when the file starts with `[`
   * @default "auto"
   */
  format?: 'auto' | 'jsonl' | 'array';
  /**
   * JSON Lines rows read to choose the columns and their types (DuckDB's default sample, 20480); 0 reads the whole file before choosing. An array file is parsed whole, so all its rows are used
   * @asType integer
   * @default 20480
   */
  sample_rows?: number;
  /**
   * Column types that override inference, by key, e.g. { id: int64, score: float64, zip: utf8 }
   * @default {}
   */
  schema?: Record<string, JsonColumnType>;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { format: 'auto', sample_rows: 20480, schema: {} } as const satisfies Omit<Required<Config>, 'file_path' | keyof S3Options>;
