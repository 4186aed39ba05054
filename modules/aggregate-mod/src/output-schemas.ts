import { Field, Schema } from 'apache-arrow';
import { AGGREGATE_HINT, aggregateColumnProblem, aggregateResultType, parseAggregate } from '@pypeline/expr';
import { unknownSchema, type ConfigIssue, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { missingColumn } from '@pypeline/verbs';
import type { Config } from './config.js';

/**
 * The group_by columns as they are, then one column per aggregate typed by the expr package's
 * aggregate table. Each aggregate is parsed (an unsupported function such as median() or
 * count(distinct x) is named with the functions there are), and checked against the input when
 * it is known.
 */
export function aggregateSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  const input = inputs.input;
  const groupBy = config.group_by ?? [];
  const problems: ConfigIssue[] = [];
  const fields: Field[] = [];
  groupBy.forEach((name, i) => {
    const problem = input && missingColumn(input, name, 'group_by');
    if (problem) problems.push({ key: ['group_by', i], message: problem, hint: `the input's columns are: ${input.names.join(', ')}` });
    const field = input?.fields.find((f) => f.name === name);
    if (field) fields.push(field);
  });
  if (Object.keys(config.aggregates).length === 0) problems.push({ key: ['aggregates'], message: 'no aggregates given', hint: AGGREGATE_HINT });
  for (const [name, text] of Object.entries(config.aggregates)) {
    const key = ['aggregates', name];
    if (groupBy.includes(name)) problems.push({ key, message: `output column "${name}" is also a group_by column`, hint: 'give the aggregate another name' });
    const call = parseAggregate(text);
    if ('problem' in call) {
      problems.push({ key, message: call.problem, hint: AGGREGATE_HINT });
      continue;
    }
    if (!input) continue;
    const source = call.column === null ? null : (input.fields.find((f) => f.name === call.column) ?? null);
    const problem = call.column === null ? undefined : source ? aggregateColumnProblem(call.fn, source) : missingColumn(input, call.column, `${call.fn}()`);
    if (problem) {
      const distinct = /^distinct\s/i.test(call.column ?? '');
      problems.push({ key, message: problem, hint: distinct ? `DISTINCT is not supported inside aggregates; ${AGGREGATE_HINT}` : source ? 'cast the column to a number with select_mod first (cast: { column: float64 })' : `the input's columns are: ${input.names.join(', ')}` });
    }
    fields.push(new Field(name, aggregateResultType(call.fn, source), call.fn !== 'count'));
  }
  return { outputs: { output: input ? new Schema(fields) : unknownSchema('its input is unknown') }, problems };
}
