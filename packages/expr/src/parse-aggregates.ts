import { AGGREGATE_FUNCTIONS, aggregateForms, aggregateSignatures, findAggregate, type AggregateFunctionSpec, type AggregateName } from './aggregate-functions.js';
import { parseExpression } from './parse.js';
import { suggestName } from './suggest-name.js';

/** `sum(amount)` parsed: the function and its column, null for `count(*)` and `count_if(…)`. */
export interface AggregateCall {
  fn: AggregateName;
  column: string | null;
  /** `fn(distinct col)`. */
  distinct?: boolean;
  /** quantile's p, as written (e.g. `0.3`: the discrete index is computed from the digits, as DuckDB does). */
  p?: string;
  /** string_agg's separator (default `,`). */
  separator?: string;
  /** count_if's condition, in the expression language. */
  condition?: string;
}

/** One output column of an aggregation: `revenue: "sum(amount)"`. */
export interface AggregateSpec extends AggregateCall {
  name: string;
}

const CALL = /^\s*([A-Za-z_]\w*)\s*\(([\s\S]*)\)\s*$/;
const FRACTION = /^(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)$/;

/** The fix shown with aggregate errors. */
export const AGGREGATE_HINT = `write aggregates as { output_name: "fn(column)" }, e.g. { orders: "count(*)", revenue: "sum(amount)", cities: "count(distinct city)" }; allowed: ${aggregateSignatures()}`;

/** Parses one aggregate (`count(*)`, `sum(amount)`, `quantile_cont(x, 0.9)`, …), or says what is wrong with it. */
export function parseAggregate(text: unknown): AggregateCall | { problem: string } {
  if (typeof text !== 'string') return { problem: `${JSON.stringify(text)} is not an aggregate: write it as text such as "sum(amount)"` };
  const m = CALL.exec(text);
  if (!m) {
    const bare = findAggregate(text.trim());
    if (bare) return { problem: `"${text}" needs its column in parentheses: write ${aggregateForms(bare)[0]}` };
    return { problem: `"${text}" is not an aggregate such as sum(amount) or count(*); allowed: ${aggregateSignatures()}` };
  }
  const spec = findAggregate(m[1]);
  if (!spec) {
    const near = suggestName(m[1].toLowerCase(), AGGREGATE_FUNCTIONS.map((f) => f.name));
    return { problem: `"${text}": unknown function ${m[1]}${near ? ` (did you mean ${near}?)` : ''}; allowed: ${aggregateSignatures()}` };
  }
  const problem = (why: string) => ({ problem: `"${text}": ${why}; write ${aggregateForms(spec).join(' or ')}` });
  if (spec.reads === 'condition') return conditionCall(spec, m[2], problem);
  const args = splitArguments(m[2]);
  if (args[0] === '') return problem(`${spec.name}() needs ${spec.star ? 'a column, or * to count rows' : 'a column'}`);
  if (args[0] === '*') return spec.star && args.length === 1 ? { fn: spec.name, column: null } : problem(spec.star ? 'count(*) takes nothing else' : `${spec.name}(*) is not defined; only count(*) takes *`);
  const d = /^distinct\s+([\s\S]+)$/i.exec(args[0]);
  if (d && !spec.distinct) return problem(`${spec.name} does not take DISTINCT`);
  const column = unquote(d ? d[1].trim() : args[0]);
  if (column === null) return problem(`${JSON.stringify(d ? d[1].trim() : args[0])} is not a column name (an expression? compute it with derive_mod first; quote odd names in backticks)`);
  const call: AggregateCall = { fn: spec.name, column, ...(d ? { distinct: true } : {}) };
  return withParam(spec, call, args.slice(1), problem);
}

function conditionCall(spec: AggregateFunctionSpec, inner: string, problem: (why: string) => { problem: string }): AggregateCall | { problem: string } {
  if (inner.trim() === '') return problem(`${spec.name}() needs a condition`);
  const { errors } = parseExpression(inner);
  if (errors.length > 0) return problem(`its condition does not parse: ${errors.map((e) => e.message).join('; ')}`);
  return { fn: spec.name, column: null, condition: inner.trim() };
}

function withParam(spec: AggregateFunctionSpec, call: AggregateCall, rest: string[], problem: (why: string) => { problem: string }): AggregateCall | { problem: string } {
  if (spec.param === 'p') {
    if (rest.length !== 1) return problem(`${spec.name} needs the fraction p after the column`);
    if (!FRACTION.test(rest[0])) return problem(`p must be a number from 0 to 1, not ${rest[0]}`);
    return { ...call, p: rest[0] };
  }
  if (spec.param === 'sep') {
    if (rest.length === 0) return call;
    const sep = /^'((?:[^']|'')*)'$/.exec(rest[0]);
    if (rest.length > 1 || !sep) return problem('the separator is one text in single quotes');
    return { ...call, separator: sep[1].replace(/''/g, "'") };
  }
  return rest.length === 0 ? call : problem(`${spec.name} takes one column`);
}

/** A column name, bare or in backticks; null when it looks like an expression. */
function unquote(arg: string): string | null {
  const q = /^`([^`]+)`$/.exec(arg);
  if (q) return q[1];
  return /[()'`,]/.test(arg) ? null : arg;
}

/** Splits at the commas outside quotes, backticks and parentheses. */
function splitArguments(inner: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      args.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(inner.slice(start).trim());
  return args;
}

/** Parses every `name: "fn(column)"` entry; `problems` names each bad entry (all of them, not just the first). */
export function parseAggregates(aggregates: Record<string, unknown>): { specs: AggregateSpec[]; problems: string[] } {
  const specs: AggregateSpec[] = [];
  const problems: string[] = [];
  for (const [name, text] of Object.entries(aggregates)) {
    const call = parseAggregate(text);
    if ('problem' in call) problems.push(`${name}: ${call.problem}`);
    else specs.push({ name, ...call });
  }
  if (Object.keys(aggregates).length === 0) problems.push('no aggregates given');
  return { specs, problems };
}
