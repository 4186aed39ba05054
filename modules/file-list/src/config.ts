import type { S3Options } from '@pypeline/object-store';

/** Configuration of `file_list`. */
export interface Config extends S3Options {
  /**
   * Folder to list, relative paths resolved against the working directory of the run; or an s3://bucket/prefix whose objects are listed (path is then each object's s3:// URL; see the s3_* options)
   * @format path
   */
  directory: string;
  /**
   * Glob the file names must match, e.g. `*.csv` or `{orders,returns}_*.json`; with recursive, it is matched in every subfolder.
   * It cannot climb out of directory (`..`); with settings.allowed_root, every match must lie inside the root
   * @default "*"
   */
  pattern?: string;
  /**
   * Also list files in subfolders
   * @default false
   */
  recursive?: boolean;
  /**
   * Order of the list: by name (path), modification time or size, or `none` for the file system's order
   * @default "name"
   */
  sort?: 'name' | 'modified' | 'size' | 'none';
  /**
   * Reverse the order (newest or largest first)
   * @default false
   */
  descending?: boolean;
  /**
   * Fail when no file matches, instead of producing an empty list (an ITERATE over it then runs zero times)
   * @default false
   */
  error_if_empty?: boolean;
  /**
   * Include files whose name starts with a dot
   * @default false
   */
  include_hidden?: boolean;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = {
  pattern: '*',
  recursive: false,
  sort: 'name',
  descending: false,
  error_if_empty: false,
  include_hidden: false,
} as const satisfies Omit<Required<Config>, 'directory' | keyof S3Options>;
