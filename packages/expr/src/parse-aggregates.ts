import { AGGREGATE_FUNCTIONS, aggregateSignatures, findAggregate, type AggregateName } from './aggregate-functions.js';
import { suggestName } from './suggest-name.js';

/** `sum(amount)` parsed: the function and its column, null for `count(*)`. */
export interface AggregateCall {
  fn: AggregateName;
  column: string | null;
}

/** One output column of an aggregation: `revenue: "sum(amount)"`. */
export interface AggregateSpec extends AggregateCall {
  name: string;
}

// fn(*), fn(col) or fn(`odd col`); the column may hold anything but parentheses.
const CALL = /^\s*([A-Za-z_]\w*)\s*\(\s*(\*|`[^`]+`|[^()]*?)\s*\)\s*$/;

/** The fix shown with aggregate errors. */
export const AGGREGATE_HINT = `write aggregates as { output_name: "fn(column)" }, e.g. { orders: "count(*)", revenue: "sum(amount)" }; the functions: ${aggregateSignatures()}`;

/** Parses one aggregate (`count(*)`, `sum(amount)`, …), or says what is wrong with it. */
export function parseAggregate(text: unknown): AggregateCall | { problem: string } {
  if (typeof text !== 'string') return { problem: `${JSON.stringify(text)} is not an aggregate: write it as text such as "sum(amount)"` };
  const m = CALL.exec(text);
  if (!m) {
    const bare = findAggregate(text.trim());
    if (bare) return { problem: `"${text}" needs its column in parentheses: write ${bare.star ? `${bare.name}(*) to count rows` : `${bare.name}(column)`}` };
    return { problem: `"${text}" is not an aggregate such as sum(amount) or count(*) (functions: ${aggregateSignatures()})` };
  }
  const spec = findAggregate(m[1]);
  if (!spec) {
    const near = suggestName(m[1], AGGREGATE_FUNCTIONS.map((f) => f.name));
    return { problem: `"${text}": no aggregate function "${m[1]}"${near ? ` (did you mean "${near}"?)` : ''}; the functions: ${aggregateSignatures()}` };
  }
  if (m[2] === '') return { problem: `"${text}": ${spec.name}() needs a column${spec.star ? ', or * to count rows' : ''}` };
  if (m[2] === '*') return spec.star ? { fn: spec.name, column: null } : { problem: `"${text}": ${spec.name}(*) is not defined; only count(*) takes *` };
  return { fn: spec.name, column: m[2].replace(/^`|`$/g, '') };
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
