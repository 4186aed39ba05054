import type { Schema } from 'apache-arrow';
import { ModuleError } from '@pypeline/sdk';
import type { CastType, Config } from './config.js';

/** One output column: which input column it comes from, its name, and an optional cast. */
export interface SelectedColumn {
  index: number;
  name: string;
  cast?: CastType;
}

/**
 * Works out the output columns from the config, checking every column name against the input
 * and reporting all problems at once. All names in the config are input names.
 */
export function planSelection(schema: Schema, config: Config): SelectedColumn[] {
  const names = schema.names as string[];
  const problems: string[] = [];
  const known = (name: string, where: string) => {
    if (names.includes(name)) return true;
    problems.push(`${where} names column "${name}", which the input does not have`);
    return false;
  };
  const picked = (config.columns ?? names).filter((n) => known(n, 'columns'));
  const dropped = new Set((config.drop ?? []).filter((n) => known(n, 'drop')));
  for (const old of Object.keys(config.rename ?? {})) known(old, 'rename');
  for (const col of Object.keys(config.cast ?? {})) known(col, 'cast');
  const selected = picked.filter((n) => !dropped.has(n)).map((n) => ({ index: names.indexOf(n), name: config.rename?.[n] ?? n, cast: config.cast?.[n] }));
  const seen = new Map<string, number>();
  for (const c of selected) seen.set(c.name, (seen.get(c.name) ?? 0) + 1);
  for (const [name, count] of seen) if (count > 1) problems.push(`the output would have ${count} columns named "${name}"`);
  if (problems.length > 0) {
    throw new ModuleError(`select_mod: ${problems.join('; ')}`, { retryable: false, hint: `the input's columns are: ${names.join(', ')}` });
  }
  return selected;
}
