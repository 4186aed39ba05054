import { DataType, Field, Float64, Int64, Schema } from 'apache-arrow';
import {
  aggregateColumnFix, aggregateColumnProblem, aggregateResultType, checkValue, parseExpression, sqlName, typeOfArrowType, type Expr,
} from '@pypeline/expr';
import { unknownSchema, type ConfigIssue, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { missingColumn, sortKeyProblem } from '@pypeline/verbs';
import type { Config } from './config.js';
import { parseWindowCall, type WindowCall } from './parse-window.js';
import { WINDOW_HINT } from './window-functions.js';

/** One output column, checked against the input: its call and its Arrow type. */
export interface WindowColumn {
  name: string;
  call: WindowCall;
  type: DataType;
  nullable: boolean;
  /** lag's and lead's default cast to the type of their expr, when that needs a cast. */
  fallback?: Expr;
}

/**
 * The input's columns, then one per window function typed by its rule. Every problem is
 * collected (partition_by and order_by columns, each function's form, frame and argument
 * types) and reported at once; window_mod runs the same check on its real input.
 */
export function windowSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  const { output, problems } = checkWindow(config, inputs.input);
  return { outputs: { output: output ?? unknownSchema('its input is unknown') }, problems };
}

export function checkWindow(config: Config, input: Schema | undefined): { output?: Schema; columns: WindowColumn[]; problems: ConfigIssue[] } {
  const problems: ConfigIssue[] = [];
  const columnsHint = input && `the input's columns are: ${input.names.join(', ')}`;
  (config.partition_by ?? []).forEach((name, i) => {
    const problem = input && missingColumn(input, name, 'partition_by');
    if (problem) problems.push({ key: ['partition_by', i], message: problem, hint: columnsHint });
  });
  (config.order_by ?? []).forEach((text, i) => {
    const problem = sortKeyProblem(text, 'order_by', input);
    if (problem) problems.push({ key: ['order_by', i], ...problem });
  });
  const entries = Object.entries(config.columns ?? {});
  if (entries.length === 0) problems.push({ key: ['columns'], message: 'no window functions given', hint: WINDOW_HINT });
  const columns: WindowColumn[] = [];
  for (const [name, text] of entries) {
    const key = ['columns', name];
    if (input?.names.includes(name)) problems.push({ key, message: `output column "${name}" is already a column of the input`, hint: 'give the window function another name' });
    const call = parseWindowCall(text);
    if ('problems' in call) {
      problems.push(...call.problems.map((message) => ({ key, message, hint: WINDOW_HINT })));
      continue;
    }
    if (!input) continue;
    const typed = typeColumn(name, call, input);
    if ('problems' in typed) problems.push(...typed.problems.map((p) => ({ key, ...p })));
    else columns.push(typed);
  }
  if (!input || problems.length > 0) return { columns, problems };
  const fields = [...input.fields, ...columns.map((c) => new Field(c.name, c.type, c.nullable))];
  return { output: new Schema(fields, input.metadata), columns, problems };
}

type Problems = { problems: { message: string; hint?: string }[] };

function typeColumn(name: string, call: WindowCall, input: Schema): WindowColumn | Problems {
  const column = (type: DataType, nullable = true, fallback?: Expr): WindowColumn => ({ name, call, type, nullable, ...(fallback ? { fallback } : {}) });
  if (call.spec.kind === 'rank') return column(call.fn === 'percent_rank' || call.fn === 'cume_dist' ? new Float64() : new Int64(), false);
  if (call.arg === null) return column(new Int64(), false); // count(*)
  const arg = argumentType(call.arg, `${call.fn}(${call.argText})`, input);
  if ('problems' in arg) return arg;
  const field = new Field(call.argText, arg.type, true);
  if (call.spec.kind === 'aggregate') {
    const fn = call.fn as 'count' | 'sum' | 'avg' | 'min' | 'max';
    const problem = aggregateColumnProblem(fn, field);
    if (problem) return { problems: [{ message: `${call.fn}(${call.argText}): ${problem}`, hint: aggregateColumnFix(fn) }] };
    return column(aggregateResultType(fn, field), fn !== 'count');
  }
  if (call.fallback === undefined) return column(arg.type);
  return withFallback(call, arg.type, input, (fallback) => column(arg.type, true, fallback));
}

/** The type of an argument: a bare column keeps its Arrow type (any type); an expression is checked by @pypeline/expr. */
function argumentType(expr: Expr, label: string, input: Schema): { type: DataType } | Problems {
  if (expr.kind === 'column') {
    const problem = missingColumn(input, expr.name, label);
    if (problem) return { problems: [{ message: problem, hint: `the input's columns are: ${input.names.join(', ')}` }] };
    return { type: input.fields.find((f) => f.name === expr.name)!.type };
  }
  const { arrowType, diagnostics } = checkValue(expr, input);
  if (diagnostics.length > 0 || !arrowType) return { problems: diagnostics.map((d) => ({ message: `${label}: ${d.message}`, hint: d.hint })) };
  return { type: arrowType };
}

/** lag/lead's default, cast to the type of their expr with the expression language's cast (DuckDB's rules). */
function withFallback(call: WindowCall, type: DataType, input: Schema, ok: (fallback: Expr) => WindowColumn): WindowColumn | Problems {
  const text = call.fallbackText!;
  const target = typeOfArrowType(type);
  if (!target) {
    if (call.fallback!.kind === 'literal' && call.fallback!.value === null) return ok(call.fallback!);
    return { problems: [{ message: `${call.fn}(${call.argText}, …, ${text}): a default for a column of type ${String(type)} can only be null`, hint: 'leave the default out' }] };
  }
  const { expr, errors } = parseExpression(`cast((${text}) as ${sqlName(target)})`);
  const diagnostics = expr && errors.length === 0 ? checkValue(expr, input).diagnostics : errors;
  if (diagnostics.length > 0) return { problems: diagnostics.map((d) => ({ message: `the default ${text} of ${call.fn}(${call.argText}): ${d.message}`, hint: d.hint ?? `give a default of the type of ${call.argText} (${sqlName(target)})` })) };
  return ok(expr!);
}
