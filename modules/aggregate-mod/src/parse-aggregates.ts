import { ModuleError } from '@pypeline/sdk';

export type AggregateFunction = 'count' | 'sum' | 'min' | 'max' | 'avg';

export interface AggregateSpec {
  /** Output column name. */
  name: string;
  fn: AggregateFunction;
  /** Input column; null for count(*). */
  column: string | null;
}

const SPEC = /^\s*(count|sum|min|max|avg)\s*\(\s*(\*|`[^`]+`|[^()]+?)\s*\)\s*$/i;

/** Parses every `name: "fn(column)"` entry, reporting all malformed ones at once. */
export function parseAggregates(aggregates: Record<string, string>): AggregateSpec[] {
  const specs: AggregateSpec[] = [];
  const problems: string[] = [];
  for (const [name, text] of Object.entries(aggregates)) {
    const m = SPEC.exec(String(text));
    if (!m) {
      problems.push(`${name}: "${text}" is not fn(column)`);
      continue;
    }
    const fn = m[1].toLowerCase() as AggregateFunction;
    const column = m[2] === '*' ? null : m[2].replace(/^`|`$/g, '');
    if (column === null && fn !== 'count') problems.push(`${name}: ${fn}(*) is not defined; only count(*) takes *`);
    else specs.push({ name, fn, column });
  }
  if (Object.keys(aggregates).length === 0) problems.push('no aggregates given');
  if (problems.length > 0) {
    throw new ModuleError(`aggregate_mod: ${problems.join('; ')}`, {
      retryable: false,
      hint: 'write aggregates as { output_name: "fn(column)" } with fn one of count, sum, min, max, avg, e.g. { orders: "count(*)", revenue: "sum(amount)" }',
    });
  }
  return specs;
}
