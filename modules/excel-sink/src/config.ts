import type { S3Options } from '@pypeline/object-store';
import type { ConfigDefaults } from '@pypeline/sdk';

/** Configuration of `excel_sink`. */
export interface Config extends S3Options {
  /**
   * Path of the .xlsx workbook to write, or an s3://bucket/key object (uploaded in parts, visible only when complete; see the s3_* options); missing parent folders are created, an existing file is replaced
   * @format path
   */
  output_path: string;
  /**
   * Name of the sheet (at most 31 characters, none of [ ] : * ? / \); ignored with split_by
   * @default "Sheet1"
   */
  sheet_name?: string;
  /**
   * A column whose values each get a sheet of their own, named after the value, in the order values first appear; the column is still written
   */
  split_by?: string;
  /**
   * Whether the first row holds the column names
   * @default true
   */
  header?: boolean;
  /**
   * Whether the header row is bold
   * @default true
   */
  bold_header?: boolean;
  /**
   * Whether the header row stays in view when scrolling (a frozen pane)
   * @default true
   */
  freeze_header?: boolean;
  /**
   * Column widths in characters, by column name, e.g. { name: 40 }; other columns get a width from their header and first values (8 to 60)
   * @default {}
   */
  column_widths?: Record<string, number>;
}

/** The defaults above as values; the conformance test keeps them equal to the manifest's. */
export const DEFAULTS = {
  sheet_name: 'Sheet1',
  header: true,
  bold_header: true,
  freeze_header: true,
  column_widths: {},
} as const satisfies ConfigDefaults<Config>;

export type ResolvedConfig = Required<Omit<Config, 'split_by' | keyof S3Options>> & Pick<Config, 'split_by' | keyof S3Options>;
