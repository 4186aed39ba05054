import { Field, type Schema } from 'apache-arrow';
import { ModuleError } from '@pypeline/sdk';
import { missingColumn } from '@pypeline/verbs';
import { CAST_TYPES } from './cast-value.js';
import type { CastType, Config } from './config.js';

/** One output column: which input column it comes from, its name, and an optional cast. */
export interface SelectedColumn {
  index: number;
  name: string;
  cast?: CastType;
}

/** A problem with one config entry: the key path (e.g. `['rename', 'old']`) and what is wrong. */
export interface SelectionProblem {
  key: (string | number)[];
  message: string;
}

/**
 * Works out the output columns from the config, checking every column name against the input
 * and collecting every problem. All names in the config are input names.
 */
export function selectColumns(schema: Schema, config: Config): { selected: SelectedColumn[]; problems: SelectionProblem[] } {
  const names = schema.names as string[];
  const problems: SelectionProblem[] = [];
  const known = (name: string, key: (string | number)[]) => {
    const problem = missingColumn(schema, name, String(key[0]));
    if (problem) problems.push({ key, message: problem });
    return !problem;
  };
  const picked = (config.columns ?? names).filter((n, i) => known(n, ['columns', i]));
  const dropped = new Set((config.drop ?? []).filter((n, i) => known(n, ['drop', i])));
  for (const old of Object.keys(config.rename ?? {})) known(old, ['rename', old]);
  for (const col of Object.keys(config.cast ?? {})) known(col, ['cast', col]);
  const selected = picked.filter((n) => !dropped.has(n)).map((n) => ({ index: names.indexOf(n), name: config.rename?.[n] ?? n, cast: config.cast?.[n] }));
  const seen = new Map<string, number>();
  for (const c of selected) seen.set(c.name, (seen.get(c.name) ?? 0) + 1);
  for (const [name, count] of seen) if (count > 1) problems.push({ key: config.rename ? ['rename'] : ['columns'], message: `the output would have ${count} columns named "${name}"` });
  return { selected, problems };
}

/** selectColumns for a run: every problem at once in one error. */
export function planSelection(schema: Schema, config: Config): SelectedColumn[] {
  const { selected, problems } = selectColumns(schema, config);
  if (problems.length > 0) {
    throw new ModuleError(`select_mod: ${problems.map((p) => p.message).join('; ')}`, { retryable: false, hint: `the input's columns are: ${schema.names.join(', ')}` });
  }
  return selected;
}

/** The output field of a selected column: renamed, and retyped (and nullable) when cast. */
export function outputField(field: Field, c: SelectedColumn): Field {
  return new Field(c.name, c.cast ? CAST_TYPES[c.cast]() : field.type, c.cast ? true : field.nullable, field.metadata);
}
