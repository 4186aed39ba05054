import type { Schema } from 'apache-arrow';
import { checkExpression, formatDiagnostic, parseExpression, type Expr } from '@pypeline/expr';
import type { JoinKind } from '@pypeline/verbs';
import { DEFAULTS, type Config } from './config.js';
import { joinLayout, keyKind, type JoinLayout } from './output-fields.js';

/** One problem with the config against the inputs, under the config key to fix. */
export interface JoinProblem {
  key: 'on' | 'right_on' | 'how' | 'condition' | 'suffix';
  message: string;
}

/** A join checked against its input schemas, ready to run. */
export interface JoinPlan {
  how: JoinKind;
  leftKeys: string[];
  rightKeys: string[];
  layout: JoinLayout;
  /** The residual condition, parsed and checked against `layout.pairSchema`. */
  condition?: Expr;
}

/**
 * Checks the config against both input schemas and lays out the output. Every problem is
 * collected (keys, key types, the condition, name clashes), so the user fixes them in one go.
 */
export function planJoin(left: Schema, right: Schema, config: Config): { plan?: JoinPlan; problems: JoinProblem[] } {
  const { how, suffix } = { ...DEFAULTS, ...config };
  // Absent only in a flow that failed its schema check.
  const on = config.on ?? [];
  const rightOn = config.right_on ?? on;
  const problems: JoinProblem[] = [];
  const add = (key: JoinProblem['key']) => (message: string) => problems.push({ key, message });
  if (how === 'cross' && (on.length > 0 || rightOn.length > 0)) add('how')('"how: cross" pairs every left row with every right row, so it takes no keys: set "on: []" (or use how: inner to join on keys)');
  if (how !== 'cross' && on.length === 0 && !config.condition) add('on')('"on" names no key column; name the key columns, give a "condition", or use "how: cross"');
  if (rightOn.length !== on.length) add('right_on')(`"on" has ${on.length} key column(s) but "right_on" has ${rightOn.length}`);
  const find = (schema: Schema, name: string, side: string, key: JoinProblem['key']) => {
    const field = schema.fields.find((f) => f.name === name);
    if (!field) add(key)(`${side} input has no column "${name}" (its columns: ${schema.names.join(', ')})`);
    return field;
  };
  on.forEach((name, i) => {
    const l = find(left, name, 'left', 'on');
    const r = rightOn[i] === undefined ? undefined : find(right, rightOn[i], 'right', config.right_on ? 'right_on' : 'on');
    if (l && r && keyKind(l.type) !== keyKind(r.type)) {
      add(config.right_on ? 'right_on' : 'on')(`left key "${l.name}" is ${keyKind(l.type)} but right key "${r.name}" is ${keyKind(r.type)}, so they never match`);
    }
  });
  const layoutProblems: string[] = [];
  const layout = joinLayout(left, right, on, rightOn, suffix, how, layoutProblems);
  layoutProblems.forEach((m) => add(/suffix/.test(m) ? 'suffix' : 'on')(m));
  const condition = config.condition ? checkCondition(config.condition, layout.pairSchema, add('condition')) : undefined;
  if (problems.length > 0) return { problems };
  return { plan: { how, leftKeys: on, rightKeys: rightOn, layout, condition }, problems };
}

function checkCondition(condition: string, schema: Schema, report: (message: string) => void): Expr | undefined {
  const { expr, errors } = parseExpression(condition);
  const diagnostics = expr && errors.length === 0 ? checkExpression(expr, schema) : errors;
  if (expr && diagnostics.length === 0) return expr;
  report(`condition ${JSON.stringify(condition)} is invalid (it sees the columns ${schema.names.join(', ')}):\n${diagnostics.map((d) => formatDiagnostic(condition, d)).join('\n')}`);
  return undefined;
}
