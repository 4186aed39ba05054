import { Field, Schema } from 'apache-arrow';
import { AGGREGATE_HINT, aggregateColumnFix, aggregateColumnProblem, aggregateResultNullable, aggregateResultType, parseAggregate, type AggregateCall } from '@pypeline/expr';
import type { ConfigIssue } from '@pypeline/sdk';
import { missingColumn } from '@pypeline/verbs';
import type { Config } from './config.js';

export interface PivotPlan {
  call: AggregateCall;
  groupBy: string[];
  /** The type of every value column (one aggregate, so one type). */
  valueField: (name: string) => Field;
}

/** The aggregate parsed and checked, the pivot and group_by columns found: every problem at once. */
export function planPivot(config: Config, input: Schema | undefined): { plan?: PivotPlan; problems: ConfigIssue[] } {
  const problems: ConfigIssue[] = [];
  const columns = input ? `the input's columns are: ${input.names.join(', ')}` : undefined;
  const check = (key: (string | number)[], name: string, what: string) => {
    const problem = input && missingColumn(input, name, what);
    if (problem) problems.push({ key, message: problem, hint: columns });
  };
  check(['pivot'], config.pivot, 'pivot');
  config.group_by?.forEach((name, i) => {
    check(['group_by', i], name, 'group_by');
    if (name === config.pivot) problems.push({ key: ['group_by', i], message: `"${name}" is the pivot column`, hint: 'group by other columns' });
  });
  if ((config.max_columns ?? 1) < 1) problems.push({ key: ['max_columns'], message: 'must be at least 1', hint: 'set max_columns: 1000' });
  const call = parseAggregate(config.aggregate);
  if ('problem' in call) {
    problems.push({ key: ['aggregate'], message: call.problem, hint: AGGREGATE_HINT });
    return { problems };
  }
  if (call.condition !== undefined) problems.push({ key: ['aggregate'], message: 'count_if is not available in pivot_mod', hint: 'pivot on a derived column, or use count(col) / sum(col)' });
  if (!input) return { problems };
  const source = call.column === null ? null : (input.fields.find((f) => f.name === call.column) ?? null);
  if (call.column !== null && !source) check(['aggregate'], call.column, `${call.fn}()`);
  else if (source) {
    const problem = aggregateColumnProblem(call.fn, source);
    if (problem) problems.push({ key: ['aggregate'], message: problem, hint: aggregateColumnFix(call.fn) });
  }
  if (problems.length > 0) return { problems };
  const groupBy = config.group_by ?? (input.names as string[]).filter((n) => n !== config.pivot && n !== call.column);
  const type = aggregateResultType(call.fn, source);
  const nullable = aggregateResultNullable(call.fn);
  return { plan: { call, groupBy, valueField: (name) => new Field(name, type, nullable) }, problems };
}

/** The output schema: the group_by columns, then one column per pivot value; problems when a value names a group_by column. */
export function pivotSchema(plan: PivotPlan, input: Schema, values: string[]): { schema?: Schema; problems: ConfigIssue[] } {
  const clash = values.filter((v) => plan.groupBy.includes(v));
  if (clash.length > 0) return { problems: [{ key: ['values'], message: `pivot value${clash.length > 1 ? 's' : ''} ${clash.map((v) => `"${v}"`).join(', ')} would name a column that is also a group_by column`, hint: 'rename the group_by column with select_mod first, or list other values' }] };
  const seen = new Set<string>();
  const twice = values.filter((v) => seen.size === seen.add(v).size);
  if (twice.length > 0) return { problems: [{ key: ['values'], message: `${twice.map((v) => `"${v}"`).join(', ')} listed twice`, hint: 'list each value once' }] };
  const keys = plan.groupBy.map((name) => input.fields.find((f) => f.name === name)!);
  return { schema: new Schema([...keys, ...values.map((v) => plan.valueField(v))]), problems: [] };
}
