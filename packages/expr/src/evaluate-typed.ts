import type { ColumnExpr, Expr, VariableExpr } from './ast.js';
import { isArithmeticOp, isComparisonOp } from './ast.js';
import { ExprError, internalError } from './diagnostic.js';
import type { ExprType } from './expr-type.js';
import { findFunction } from './functions.js';
import { parseTime } from '@pypeline/sdk';
import { andScalars, arithmeticScalars, compareScalars, notScalar, orScalars, type Scalar } from './scalar-ops.js';

/**
 * Evaluates a type-checked expression whose names are all known values. Used for valve conditions
 * and to fold the constant parts of filter conditions, so both paths share one semantics.
 */
export function evaluateTyped(root: Expr, types: Map<Expr, ExprType>, lookup: (e: ColumnExpr | VariableExpr) => Scalar): Scalar {
  // A date/time compared with a string: the checker made sure the string is a constant; read it as ISO.
  const asInstant = (e: Expr, v: Scalar, other: Expr): Scalar => {
    if (typeof v !== 'string' || types.get(other) !== 'temporal') return v;
    const ms = parseTime(v);
    if (ms === null) throw new ExprError([{ message: `'${v}' is not an ISO date or date-time`, start: e.start, end: e.end, hint: "write '2024-01-31' or '2024-01-31T08:30:00Z'" }]);
    return ms;
  };
  const compareOperands = (left: Expr, right: Expr): [Scalar, Scalar] => {
    const a = ev(left);
    const b = ev(right);
    return [asInstant(left, a, right), asInstant(right, b, left)];
  };

  const ev = (e: Expr): Scalar => {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'column':
      case 'variable':
        return lookup(e);
      case 'unary': {
        const v = ev(e.operand);
        if (e.op === 'not') return notScalar(v);
        return v === null ? null : -(v as number);
      }
      case 'isNull':
        return (ev(e.operand) === null) !== e.negated;
      case 'in': {
        let sawNull = false;
        for (const item of e.items) {
          const hit = compareScalars('==', ...compareOperands(e.operand, item));
          if (hit) return !e.negated;
          if (hit === null) sawNull = true;
        }
        // SQL: `1 in (2, null)` is unknown, not false, because null might have been 1.
        return sawNull ? null : e.negated;
      }
      case 'call': {
        const spec = findFunction(e.name);
        if (!spec) throw internalError(`unchecked function ${e.name}`);
        const args = e.args.map(ev);
        if (spec.name !== 'coalesce' && args.includes(null)) return null;
        return spec.scalar(args);
      }
      case 'binary': {
        if (e.op === 'and') return andScalars(ev(e.left), ev(e.right));
        if (e.op === 'or') return orScalars(ev(e.left), ev(e.right));
        if (isComparisonOp(e.op)) return compareScalars(e.op, ...compareOperands(e.left, e.right));
        if (isArithmeticOp(e.op)) return arithmeticScalars(e.op, ev(e.left), ev(e.right));
        throw internalError(`unknown operator ${String(e.op)}`);
      }
    }
  };
  return ev(root);
}
