import type { S3Options } from '@pypeline/object-store';
import type { ConfigDefaults } from '@pypeline/sdk';

/** A column type `columns` can set; inference chooses among float64, boolean, timestamp and utf8. */
export type ExcelColumnType = 'utf8' | 'float64' | 'int64' | 'int32' | 'boolean' | 'date' | 'timestamp';

/** Configuration of `excel_source`. */
export interface Config extends S3Options {
  /**
   * Path of the .xlsx workbook to read, or an s3://bucket/key object (streamed; see the s3_* options)
   * @format path
   */
  file_path: string;
  /**
   * The sheet to read: its name (e.g. "Orders"), or its position in the workbook, 1 for the first
   * @default 1
   */
  sheet?: string | number;
  /**
   * Cells to read, in A1 notation: "B3:F100", "B3:F" (from row 3 to the last row) or "B:F" (whole columns); when left out, the columns from the first to the last non-empty cell of the header row (without a header: of the sampled rows)
   */
  range?: string;
  /**
   * Whether the first row (of the range, or the first non-empty row) holds the column names; when false, columns are named column_1, column_2, ...
   * @default true
   */
  header?: boolean;
  /**
   * Column types that override the ones read from the cells, by column name, e.g. { zip: utf8, qty: int64, shipped: date }
   * @default {}
   */
  columns?: Record<string, ExcelColumnType>;
  /**
   * Whether rows whose cells in the range are all empty are left out; when false they become rows of nulls
   * @default true
   */
  skip_empty_rows?: boolean;
  /**
   * Rows read to choose each column's type from its cells (they are kept in memory meanwhile); 0 reads the whole sheet before choosing
   * @asType integer
   * @default 10000
   */
  sample_rows?: number;
  /**
   * Rows per Arrow record batch
   * @asType integer
   * @default 10000
   */
  batch_size?: number;
}

/** The defaults above as values; the conformance test keeps them equal to the manifest's. */
export const DEFAULTS = {
  sheet: 1,
  header: true,
  columns: {},
  skip_empty_rows: true,
  sample_rows: 10_000,
  batch_size: 10_000,
} as const satisfies ConfigDefaults<Config>;

export type ResolvedConfig = Required<Omit<Config, 'range' | keyof S3Options>> & Pick<Config, 'range' | keyof S3Options>;
