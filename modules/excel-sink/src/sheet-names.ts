/** Excel's limits on a sheet: its name, rows and columns. */
export const MAX_NAME = 31;
export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;

const FORBIDDEN = /[[\]:*?/\\]/g;

/** Why `name` cannot name a sheet, or undefined when it can. */
export function sheetNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'sheet_name is empty';
  if (name.length > MAX_NAME) return `sheet_name ${JSON.stringify(name)} is longer than Excel's ${MAX_NAME} characters`;
  if (FORBIDDEN.test(name)) return `sheet_name ${JSON.stringify(name)} holds a character Excel refuses in sheet names ([ ] : * ? / \\)`;
  if (name.startsWith("'") || name.endsWith("'")) return `sheet_name ${JSON.stringify(name)} starts or ends with an apostrophe, which Excel refuses`;
  return undefined;
}

/**
 * Sheet names for the values of a split_by column, each made valid (refused characters become
 * `_`, cut to 31 characters, null as `(null)`) and unique ignoring case, as Excel compares them
 * (a clash gets ` (2)`, ` (3)`, ...).
 */
export class SplitSheetNames {
  private readonly byValue = new Map<string, string>();
  private readonly taken = new Set<string>();

  nameFor(value: unknown): string {
    const key = value === null || value === undefined ? '\u0000null' : String(value);
    const known = this.byValue.get(key);
    if (known !== undefined) return known;
    const base = (value === null || value === undefined ? '(null)' : String(value)).replace(FORBIDDEN, '_').replace(/^'+|'+$/g, '').slice(0, MAX_NAME) || '(empty)';
    let name = base;
    for (let n = 2; this.taken.has(name.toLowerCase()); n++) name = `${base.slice(0, MAX_NAME - ` (${n})`.length)} (${n})`;
    this.taken.add(name.toLowerCase());
    this.byValue.set(key, name);
    return name;
  }
}
