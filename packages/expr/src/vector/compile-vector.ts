import type { Data } from 'apache-arrow';
import { childrenOf, isArithmeticOp, isComparisonOp, type Expr, type LikeExpr } from '../ast.js';
import { internalError } from '../diagnostic.js';
import { atSpan } from '../evaluate-typed.js';
import { findFunction } from '../functions.js';
import type { TypedExpr } from '../infer-types.js';
import { likeMatches, planLike } from '../like.js';
import { formatValue } from '../scalar/cast.js';
import type { Scalar } from '../scalar/values.js';
import { arithmetic, negate } from './arithmetic.js';
import { callFunction } from './call-function.js';
import { compareValues } from './compare.js';
import { constOf, utf8Of } from './const-value.js';
import { inList } from './in-list.js';
import { andOr, isNull, not } from './logic.js';
import { readColumn } from './read-column.js';
import { buildValue, rowGetter, rowwise } from './rowwise.js';
import { compareStringsToConst } from './compare-strings.js';
import { matchStrings } from './string-functions.js';
import { castVector } from './cast-vector.js';
import type { Value } from './values.js';

/** One batch as the kernels see it; `read` memoises column reads so `a > 1 and a < 5` reads `a` once. */
export interface BatchInput {
  n: number;
  read(column: string): Value;
}

export type Kernel = (batch: BatchInput) => Value;

/**
 * Turns a checked expression into a tree of closures over the vector kernels. Parts that use no
 * column are evaluated once here with `fold` (the scalar evaluator, with the implicit casts
 * applied), so kernels only ever see constants that are already folded and typed.
 */
export function compileVector(root: Expr, typed: TypedExpr, fold: (e: Expr) => Scalar): Kernel {
  const { types, casts } = typed;
  const usesColumns = new Map<Expr, boolean>();
  const hasColumn = (e: Expr): boolean => {
    let v = usesColumns.get(e);
    if (v === undefined) usesColumns.set(e, (v = e.kind === 'column' || childrenOf(e).some(hasColumn)));
    return v;
  };
  /** The type a node's value has once its implicit cast (if any) is applied. */
  const typeOf = (e: Expr) => casts.get(e) ?? types.get(e)!;

  const compile = (e: Expr): Kernel => {
    if (!hasColumn(e)) {
      const c = constOf(fold(e));
      return () => c;
    }
    const inner = compileNode(e);
    const to = casts.get(e);
    if (to === undefined) return inner;
    const from = types.get(e)!;
    return (b) => atSpan(e, () => castVector(inner(b), from, to, b.n, false));
  };

  const compileNode = (e: Expr): Kernel => {
    switch (e.kind) {
      case 'column':
        return (b) => b.read(e.name);
      case 'unary': {
        const inner = compile(e.operand);
        const t = typeOf(e.operand);
        return e.op === 'not' ? (b) => not(inner(b), b.n) : (b) => atSpan(e, () => negate(inner(b), t, b.n));
      }
      case 'isNull': {
        const inner = compile(e.operand);
        return (b) => isNull(inner(b), e.negated, b.n);
      }
      case 'in': {
        const left = compile(e.operand);
        const items = e.items.map(compile);
        const t = typeOf(e.operand);
        return (b) => inList(left(b), items.map((k) => k(b)), t, e.negated, b.n);
      }
      case 'call': {
        const spec = findFunction(e.name);
        if (!spec) throw internalError(`unchecked function ${e.name}`);
        const args = e.args.map(compile);
        const argTypes = e.args.map(typeOf);
        const resultType = types.get(e)!;
        return (b) => atSpan(e, () => callFunction(spec, args.map((k) => k(b)), argTypes, resultType, b.n));
      }
      case 'cast': {
        const inner = compile(e.operand);
        const from = typeOf(e.operand);
        return (b) => atSpan(e, () => castVector(inner(b), from, e.to, b.n, e.tryCast));
      }
      case 'case': {
        const whens = e.whens.map((w) => [compile(w.when), compile(w.then)] as const);
        const otherwise = e.otherwise ? compile(e.otherwise) : null;
        const result = types.get(e)!;
        const thenTypes = e.whens.map((w) => typeOf(w.then));
        const elseType = e.otherwise ? typeOf(e.otherwise) : result;
        return (b) => {
          const n = b.n;
          const conds = whens.map(([c]) => rowGetter(c(b), 'boolean', n));
          const values = whens.map(([, v], i) => rowGetter(v(b), thenTypes[i], n));
          const other = otherwise ? rowGetter(otherwise(b), elseType, n) : () => null;
          return buildValue(result, n, (i) => {
            for (let k = 0; k < conds.length; k++) if (conds[k](i) === true) return values[k](i);
            return other(i);
          });
        };
      }
      case 'like':
        return compileLike(e);
      case 'binary': {
        const op = e.op;
        const [l, r] = [compile(e.left), compile(e.right)];
        if (op === 'and' || op === 'or') return (b) => andOr(op, l(b), r(b), b.n);
        if (isComparisonOp(op)) {
          const t = typeOf(e.left);
          return (b) => atSpan(e, () => compareValues(op, l(b), r(b), t, b.n));
        }
        if (op === '||') {
          const [tl, tr] = [typeOf(e.left), typeOf(e.right)];
          return (b) => rowwise([l(b), r(b)], [tl, tr], 'string', b.n, ([x, y]) => formatValue(x, tl) + formatValue(y, tr));
        }
        if (isArithmeticOp(op)) {
          const typing = typed.arithmetic.get(e);
          if (!typing) throw internalError('arithmetic without a typing');
          return (b) => atSpan(e, () => arithmetic(op, l(b), r(b), typing, b.n));
        }
        throw internalError(`unknown operator ${String(op)}`);
      }
      case 'literal':
      case 'variable':
        throw internalError(`${e.kind} with a column inside`);
    }
  };

  const compileLike = (e: LikeExpr): Kernel => {
    const operand = compile(e.operand);
    const pattern = compile(e.pattern);
    const escape = e.escape ? compile(e.escape) : null;
    return (b) => atSpan(e, () => {
      const s = operand(b);
      const p = pattern(b);
      const esc = escape ? escape(b) : null;
      const n = b.n;
      if (s.kind === 'str' && p.kind === 'const' && typeof p.value === 'string' && (!esc || esc.kind === 'const')) {
        if (esc && esc.value === null) return constOf(null);
        const plan = planLike(p.value, esc ? String(esc.value) : null, e.caseInsensitive);
        let hit: Value | null = null;
        if (plan.fold) hit = null;
        else if (plan.kind === 'exact') hit = { kind: 'bool', values: compareStringsToConst('==', s, utf8Of(constOf(plan.text)), n), valid: s.valid };
        else if (plan.kind !== 'regex') {
          const fn = plan.kind === 'prefix' ? 'starts_with' : plan.kind === 'suffix' ? 'ends_with' : 'contains';
          hit = matchStrings(fn, s, constOf(plan.text), n);
        }
        if (hit) return e.negated ? not(hit, n) : hit;
      }
      const args = esc ? [s, p, esc] : [s, p];
      return rowwise(args, args.map(() => 'string' as const), 'boolean', n, ([x, y, z]) =>
        likeMatches(planLike(y as string, (z as string | undefined) ?? null, e.caseInsensitive), x as string) !== e.negated);
    });
  };
  return compile(root);
}

/** A BatchInput over a batch's column Data, reading each column at most once. */
export function batchInput(columns: Map<string, Data>, n: number): BatchInput {
  const memo = new Map<string, Value>();
  return {
    n,
    read(name) {
      let v = memo.get(name);
      if (!v) {
        const data = columns.get(name);
        if (!data) throw internalError(`column ${name} missing from batch`);
        memo.set(name, (v = readColumn(data)));
      }
      return v;
    },
  };
}

