import type { S3Options } from '@pypeline/object-store';

/** Configuration of `json_sink`. */
export interface Config extends S3Options {
  /**
   * Path of the JSON file to write, or an s3://bucket/key object (see the s3_* options); missing parent folders are created, an existing file is replaced
   * @format path
   */
  output_path: string;
  /**
   * `jsonl` writes one object per line (JSON Lines); `array` writes one JSON array of objects
   * @default "jsonl"
   */
  format?: 'jsonl' | 'array';
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { format: 'jsonl' } as const satisfies Omit<Required<Config>, 'output_path' | keyof S3Options>;
