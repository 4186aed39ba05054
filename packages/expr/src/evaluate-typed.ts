import type { ColumnExpr, Expr, VariableExpr } from './ast.js';
import { isArithmeticOp, isComparisonOp } from './ast.js';
import { ExprError, internalError } from './diagnostic.js';
import { findFunction } from './functions.js';
import type { TypedExpr } from './infer-types.js';
import { likeMatches, planLike } from './like.js';
import { castScalar, checkInt64, formatValue } from './scalar/cast.js';
import { EvalError } from './scalar/eval-error.js';
import { DecimalValue, IntervalValue, type Scalar } from './scalar/values.js';
import { andScalars, arithmeticScalars, compareScalars, notScalar, orScalars } from './scalar-ops.js';

/** Runs `f`; an EvalError it throws becomes an ExprError pointing at `at`. */
export function atSpan<T>(at: Expr, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof EvalError) throw new ExprError([{ message: e.message, start: at.start, end: at.end, ...(e.hint ? { hint: e.hint } : {}) }]);
    throw e;
  }
}

export function negateScalar(v: Scalar): Scalar {
  if (v === null) return null;
  if (typeof v === 'bigint') return checkInt64(-v, `-(${v})`);
  if (v instanceof DecimalValue) return new DecimalValue(-v.units, v.scale);
  if (v instanceof IntervalValue) return new IntervalValue(-v.months, -v.days, -v.micros);
  return -(v as number);
}

/**
 * Evaluates a type-checked expression whose names are all known values. Used for valve conditions
 * and to fold the constant parts of filters and derived columns, so both paths share one semantics;
 * the vector kernels are tested against it row by row.
 */
export function evaluateTyped(root: Expr, typed: Pick<TypedExpr, 'types' | 'casts' | 'arithmetic'>, lookup: (e: ColumnExpr | VariableExpr) => Scalar): Scalar {
  const { types, casts } = typed;
  const typeOf = (e: Expr) => casts.get(e) ?? types.get(e)!;
  const ev = (e: Expr): Scalar => {
    const raw = evalNode(e);
    const to = casts.get(e);
    return to === undefined || raw === null ? raw : atSpan(e, () => castScalar(raw, types.get(e)!, to));
  };
  const evalNode = (e: Expr): Scalar => {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'column':
      case 'variable':
        return lookup(e);
      case 'unary': {
        const v = ev(e.operand);
        return e.op === 'not' ? notScalar(v) : atSpan(e, () => negateScalar(v));
      }
      case 'isNull':
        return (ev(e.operand) === null) !== e.negated;
      case 'in': {
        const v = ev(e.operand);
        let sawNull = false;
        for (const item of e.items) {
          const hit = compareScalars('==', v, ev(item));
          if (hit) return !e.negated;
          if (hit === null) sawNull = true;
        }
        // SQL: `1 in (2, null)` is unknown, not false, because null might have been 1.
        return sawNull ? null : e.negated;
      }
      case 'like': {
        const s = ev(e.operand);
        const p = ev(e.pattern);
        const esc = e.escape ? ev(e.escape) : null;
        if (s === null || p === null || (e.escape && esc === null)) return null;
        const hit = atSpan(e, () => likeMatches(planLike(p as string, esc as string | null, e.caseInsensitive), s as string));
        return hit !== e.negated;
      }
      case 'cast': {
        const v = ev(e.operand);
        if (v === null) return null;
        try {
          return castScalar(v, typeOf(e.operand), e.to);
        } catch (err) {
          if (e.tryCast && err instanceof EvalError) return null;
          return atSpan(e, () => { throw err; });
        }
      }
      case 'case': {
        for (const w of e.whens) if (ev(w.when) === true) return ev(w.then);
        return e.otherwise ? ev(e.otherwise) : null;
      }
      case 'call': {
        const spec = findFunction(e.name);
        if (!spec) throw internalError(`unchecked function ${e.name}`);
        const args = e.args.map(ev);
        if (!spec.handlesNulls && args.includes(null)) return null;
        return atSpan(e, () => spec.scalar(args, e.args.map(typeOf), types.get(e)!));
      }
      case 'binary': {
        if (e.op === 'and') return andScalars(ev(e.left), ev(e.right));
        if (e.op === 'or') return orScalars(ev(e.left), ev(e.right));
        const a = ev(e.left);
        const b = ev(e.right);
        if (isComparisonOp(e.op)) return compareScalars(e.op, a, b);
        if (e.op === '||') return a === null || b === null ? null : formatValue(a, typeOf(e.left)) + formatValue(b, typeOf(e.right));
        if (isArithmeticOp(e.op)) {
          const typing = typed.arithmetic.get(e);
          if (!typing) return null;
          return atSpan(e, () => arithmeticScalars(e.op as Parameters<typeof arithmeticScalars>[0], a, b, typing));
        }
        throw internalError(`unknown operator ${String(e.op)}`);
      }
    }
  };
  return ev(root);
}
