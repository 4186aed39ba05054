import { evaluateScalar, parseExpression, variablesOf, columnsOf } from '@pypeline/expr';
import type { ControlEdge } from '../plan/types.js';
import { lookupRef } from '../template/templater.js';
import { nodeIdOf, type RunState } from './run-state.js';
import { templateScope } from './template-scope.js';

export type ValveDecision = { fire: true } | { fire: false; reason: string };

/**
 * Decides whether a control edge fires. Without a condition it fires when its source module
 * succeeded. A condition that reads the source's `status` or `error` is evaluated whatever the
 * outcome (an error path); any other condition also needs the source to have succeeded.
 */
export function decideValve(state: RunState, edge: ControlEdge): ValveDecision {
  const status = state.nodeStatus.get(nodeIdOf(state, edge.from));
  if (edge.condition === null) {
    return status === 'success' ? { fire: true } : { fire: false, reason: `${edge.from} ${status ?? 'did not run'}` };
  }
  const { expr } = parseExpression(edge.condition);
  if (!expr) return { fire: false, reason: 'condition does not parse' };
  const names = [...variablesOf(expr), ...columnsOf(expr)].map((n) => n.toLowerCase());
  const readsOutcome = names.some((n) => n === `${edge.from.toLowerCase()}__status` || n === `${edge.from.toLowerCase()}__error`);
  if (!readsOutcome && status !== 'success') return { fire: false, reason: `${edge.from} ${status ?? 'did not run'}` };
  const scope = templateScope(state);
  const where = `the condition of control connection "${edge.text}"`;
  const value = evaluateScalar(expr, (name) => lookupRef(name, scope, where));
  return value === true ? { fire: true } : { fire: false, reason: `condition ${edge.condition} is ${value === null ? 'null' : 'false'}` };
}
