import { Field, Schema } from 'apache-arrow';
import {
  AGGREGATE_HINT, aggregateColumnFix, aggregateColumnProblem, aggregateResultNullable, aggregateResultType, checkExpression, parseAggregate,
  parseExpression, type AggregateCall,
} from '@pypeline/expr';
import { unknownSchema, type ConfigIssue, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { missingColumn } from '@pypeline/verbs';
import type { Config } from './config.js';

/**
 * The group_by columns as they are, then one column per aggregate typed by the expr package's
 * aggregate table. Every aggregate is parsed (an unknown function is named with the forms
 * there are) and, when the input is known, checked against it, and so is `having` against the
 * output columns. aggregate_mod runs the same check on its real input, so a problem is
 * reported the same way by `pype validate` and by a run, all problems at once.
 */
export function aggregateSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  const { output, problems } = checkAggregate(config, inputs.input);
  return { outputs: { output: output ?? unknownSchema('its input is unknown') }, problems };
}

/** The output schema (when the input is known) and every problem of `config`. */
export function checkAggregate(config: Config, input: Schema | undefined): { output?: Schema; problems: ConfigIssue[] } {
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
    problems.push(...callProblems(call, source, input).map((p) => ({ key, ...p })));
    fields.push(new Field(name, aggregateResultType(call.fn, source), aggregateResultNullable(call.fn)));
  }
  if (!input) return { problems: [...problems, ...havingProblems(config.having, undefined)] };
  const output = new Schema(fields);
  return { output, problems: [...problems, ...havingProblems(config.having, problems.length === 0 ? output : undefined)] };
}

function callProblems(call: AggregateCall, source: Field | null, input: Schema): Omit<ConfigIssue, 'key'>[] {
  if (call.condition !== undefined) {
    const { expr, errors } = parseExpression(call.condition);
    return (expr && errors.length === 0 ? checkExpression(expr, input) : errors).map((d) => ({ message: `count_if(${call.condition}): ${d.message}`, hint: d.hint }));
  }
  if (call.column === null) return [];
  if (!source) return [{ message: missingColumn(input, call.column, `${call.fn}()`)!, hint: `the input's columns are: ${input.names.join(', ')}` }];
  const problem = aggregateColumnProblem(call.fn, source);
  return problem ? [{ message: problem, hint: aggregateColumnFix(call.fn) }] : [];
}

/** `having` parsed, and checked against the output columns once they are all known. */
function havingProblems(having: string | undefined, output: Schema | undefined): ConfigIssue[] {
  if (having === undefined) return [];
  const { expr, errors } = parseExpression(having);
  const diagnostics = expr && errors.length === 0 && output ? checkExpression(expr, output) : errors;
  const hint = output ? `having reads the output columns: ${output.names.join(', ')}` : undefined;
  return diagnostics.map((d) => ({ key: ['having'], message: d.message, hint: d.hint ?? hint, span: { start: d.start, end: d.end } }));
}
