import type { ConfigIssue } from '@pypeline/sdk';
import type { ResolvedConfig } from './config.js';
import { parseRange, type SheetRange } from './sheet-range.js';

/** Every problem of the options that needs no file, at once; and the range when it is sound. */
export function configProblems(config: ResolvedConfig): { problems: ConfigIssue[]; range?: SheetRange } {
  const problems: ConfigIssue[] = [];
  const { sheet } = config;
  if (typeof sheet === 'number' && (!Number.isInteger(sheet) || sheet < 1)) {
    problems.push({ key: ['sheet'], message: `sheet ${sheet} is not a sheet position`, hint: 'give a sheet name, or a position from 1 (the first sheet)' });
  }
  if (typeof sheet === 'string' && sheet.trim() === '') problems.push({ key: ['sheet'], message: 'sheet is empty', hint: 'give a sheet name, or a position from 1 (the first sheet)' });
  const range = parseRange(config.range);
  if (typeof range === 'string') problems.push({ key: ['range'], message: range, hint: 'e.g. "B3:F100", "B3:F" (to the last row) or "B:F"' });
  for (const key of ['sample_rows', 'batch_size'] as const) {
    const value = config[key];
    const least = key === 'sample_rows' ? 0 : 1;
    if (!Number.isInteger(value) || value < least) problems.push({ key: [key], message: `${key} must be a whole number of at least ${least}, got ${value}`, hint: key === 'sample_rows' ? 'e.g. 10000, or 0 to read the whole sheet first' : 'e.g. 10000' });
  }
  return typeof range === 'string' ? { problems } : { problems, range };
}

/** Problems of `columns` once the sheet's column names are known: each key must name one. */
export function unknownColumns(config: ResolvedConfig, names: string[]): ConfigIssue[] {
  const known = new Set(names);
  return Object.keys(config.columns)
    .filter((name) => !known.has(name))
    .map((name) => ({ key: ['columns', name], message: `columns names ${JSON.stringify(name)}, which the sheet does not have`, hint: `its columns: ${names.join(', ')}` }));
}
