import { Field, Schema, Utf8, type DataType } from 'apache-arrow';
import type { ConfigIssue } from '@pypeline/sdk';
import { commonTypeOf, missingColumn, typeName } from '@pypeline/verbs';
import { DEFAULTS, type Config } from './config.js';

export interface UnpivotPlan {
  /** The output: the kept columns, then the name and value columns. */
  schema: Schema;
  /** Indexes in the input of the columns kept as they are. */
  kept: number[];
  /** Indexes in the input of the columns turned into rows, in output order. */
  unpivoted: number[];
}

/** The config's problems that need no input: one of columns / columns_pattern, a pattern that compiles. */
export function configProblems(config: Config): ConfigIssue[] {
  const problems: ConfigIssue[] = [];
  const hint = 'set columns: [q1, q2] or columns_pattern: "^q"';
  if ((config.columns === undefined) === (config.columns_pattern === undefined)) {
    problems.push({ key: [config.columns ? 'columns_pattern' : 'columns'], message: config.columns ? 'give columns or columns_pattern, not both' : 'no columns to unpivot', hint });
  }
  if (config.columns?.length === 0) problems.push({ key: ['columns'], message: 'columns is empty', hint });
  if (config.columns_pattern !== undefined) {
    try {
      new RegExp(config.columns_pattern, 'u');
    } catch (error) {
      problems.push({ key: ['columns_pattern'], message: `not a regular expression: ${(error as Error).message}`, hint: 'write a JavaScript regular expression, e.g. "^q[1-4]$"' });
    }
  }
  const name = config.name_column ?? DEFAULTS.name_column;
  if (name === (config.value_column ?? DEFAULTS.value_column)) problems.push({ key: ['value_column'], message: `name_column and value_column are both "${name}"`, hint: 'give them different names' });
  return problems;
}

/** The output schema for `input`, or every problem: unknown columns, clashing names, value types that do not meet. */
export function planUnpivot(config: Config, input: Schema): { plan?: UnpivotPlan; problems: ConfigIssue[] } {
  const problems = configProblems(config);
  if (problems.length > 0) return { problems };
  const nameColumn = config.name_column ?? DEFAULTS.name_column;
  const valueColumn = config.value_column ?? DEFAULTS.value_column;
  const unpivoted: number[] = [];
  if (config.columns) {
    config.columns.forEach((name, i) => {
      const problem = missingColumn(input, name, 'columns');
      if (problem) problems.push({ key: ['columns', i], message: problem, hint: `the input's columns are: ${input.names.join(', ')}` });
      else if (unpivoted.includes(input.names.indexOf(name))) problems.push({ key: ['columns', i], message: `column "${name}" is listed twice`, hint: 'list each column once' });
      else unpivoted.push(input.names.indexOf(name));
    });
  } else {
    const pattern = new RegExp(config.columns_pattern!, 'u');
    input.names.forEach((name, i) => pattern.test(String(name)) && unpivoted.push(i));
    if (unpivoted.length === 0) problems.push({ key: ['columns_pattern'], message: `matches none of the input's columns (${input.names.join(', ')})`, hint: 'change the pattern, or list the columns in columns' });
  }
  const kept = input.fields.map((_, i) => i).filter((i) => !unpivoted.includes(i));
  for (const out of [nameColumn, valueColumn]) {
    if (kept.some((i) => input.fields[i].name === out)) problems.push({ key: [out === nameColumn ? 'name_column' : 'value_column'], message: `"${out}" is also a column the output keeps`, hint: 'choose another name_column / value_column' });
  }
  if (problems.length > 0) return { problems };
  const types = unpivoted.map((i) => input.fields[i].type as DataType);
  const unified = commonTypeOf(types, 'strict');
  if ('clash' in unified) {
    const [at, sofar, next] = unified.clash;
    const named = unpivoted.slice(0, at + 1).map((i) => `${input.fields[i].name} ${typeName(input.fields[i].type)}`).join(', ');
    return { problems: [{ key: [config.columns ? 'columns' : 'columns_pattern'], message: `cannot unpivot columns of types ${typeName(sofar)} and ${typeName(next)} (${named}): the value column needs one type`, hint: 'cast them to one type first, e.g. with select_mod (cast: string), or unpivot them separately' }] };
  }
  const fields = [...kept.map((i) => input.fields[i]), new Field(nameColumn, new Utf8(), false), new Field(valueColumn, unified.type, true)];
  return { plan: { schema: new Schema(fields), kept, unpivoted }, problems: [] };
}
