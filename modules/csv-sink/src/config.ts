import type { S3Options } from '@pypeline/object-store';

/** Configuration of `csv_sink`. */
export interface Config extends S3Options {
  /**
   * Path of the CSV file to write, or an s3://bucket/key object (see the s3_* options); missing parent folders are created, an existing file is replaced
   * @format path
   */
  output_path: string;
  /**
   * Field delimiter (one character)
   * @default ","
   */
  delimiter?: string;
  /**
   * Quote character (one character); a quote inside a field is doubled, as RFC 4180 says
   * @default "\""
   */
  quote?: string;
  /**
   * `minimal` quotes only the fields that need it (a delimiter, quote or line break inside, an empty string, or text equal to null_string); `all` quotes every value but nulls
   * @default "minimal"
   */
  quoting?: 'minimal' | 'all';
  /**
   * Whether the first line holds the column names
   * @default true
   */
  header?: boolean;
  /**
   * Text written for a null value, unquoted (an empty string value is written as "" so the two stay apart)
   * @default ""
   */
  null_string?: string;
  /**
   * Line ending: `lf` (\n) or `crlf` (\r\n, what Excel and RFC 4180 use)
   * @default "lf"
   */
  line_ending?: 'lf' | 'crlf';
  /**
   * Whether to start the file with a UTF-8 byte order mark (helps Excel detect UTF-8)
   * @default false
   */
  bom?: boolean;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = {
  delimiter: ',',
  quote: '"',
  quoting: 'minimal',
  header: true,
  null_string: '',
  line_ending: 'lf',
  bom: false,
} as const satisfies Omit<Required<Config>, 'output_path' | keyof S3Options>;
