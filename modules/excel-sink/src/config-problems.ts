import type { Schema } from 'apache-arrow';
import type { ConfigIssue } from '@pypeline/sdk';
import { isNestedType } from './cell-writers.js';
import type { ResolvedConfig } from './config.js';
import { MAX_COLUMNS, sheetNameProblem } from './sheet-names.js';

/** Every problem of the options and, when the input schema is known, of its columns, at once. */
export function configProblems(config: ResolvedConfig, schema?: Schema): ConfigIssue[] {
  const problems: ConfigIssue[] = [];
  const nameProblem = config.split_by === undefined ? sheetNameProblem(config.sheet_name) : undefined;
  if (nameProblem) problems.push({ key: ['sheet_name'], message: nameProblem, hint: 'e.g. "Orders 2024"' });
  for (const [name, width] of Object.entries(config.column_widths)) {
    if (typeof width !== 'number' || !(width > 0 && width <= 255)) problems.push({ key: ['column_widths', name], message: `column_widths.${name} must be a width from 1 to 255 characters, got ${JSON.stringify(width)}`, hint: 'e.g. 20' });
  }
  if (!schema) return problems;
  const names = schema.fields.map((f) => f.name);
  const known = new Set(names);
  const columnsHint = `its input columns: ${names.join(', ')}`;
  if (config.split_by !== undefined && !known.has(config.split_by)) problems.push({ key: ['split_by'], message: `split_by names ${JSON.stringify(config.split_by)}, which is not an input column`, hint: columnsHint });
  for (const name of Object.keys(config.column_widths)) {
    if (!known.has(name)) problems.push({ key: ['column_widths', name], message: `column_widths names ${JSON.stringify(name)}, which is not an input column`, hint: columnsHint });
  }
  const nested = schema.fields.filter((f) => isNestedType(f.type));
  if (nested.length > 0) {
    problems.push({
      key: ['output_path'],
      message: `excel_sink cannot write nested columns: ${nested.map((f) => `${f.name} (${String(f.type)})`).join(', ')}`,
      hint: 'write them with json_sink or parquet_sink, or leave them out with select_mod before this sink',
    });
  }
  if (schema.fields.length > MAX_COLUMNS) problems.push({ key: ['output_path'], message: `the input has ${schema.fields.length} columns, more than Excel's ${MAX_COLUMNS}`, hint: 'leave columns out with select_mod' });
  if (schema.fields.length === 0) problems.push({ key: ['output_path'], message: 'the input has no columns', hint: 'check the module that feeds it' });
  return problems;
}
