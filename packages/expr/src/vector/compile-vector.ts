import type { Data } from 'apache-arrow';
import { childrenOf, isArithmeticOp, isComparisonOp, type Expr } from '../ast.js';
import { ExprError, internalError } from '../diagnostic.js';
import type { ExprType } from '../expr-type.js';
import { parseTime } from '@pypeline/sdk';
import type { Scalar } from '../scalar-ops.js';
import { arithmetic, negate } from './arithmetic.js';
import { callFunction } from './call-function.js';
import { compareValues } from './compare.js';
import { constOf } from './const-value.js';
import { inList } from './in-list.js';
import { andOr, isNull, not } from './logic.js';
import { readColumn } from './read-column.js';
import type { Value } from './values.js';

/** One batch as the kernels see it; `read` memoises column reads so `a > 1 and a < 5` reads `a` once. */
export interface BatchInput {
  n: number;
  read(column: string): Value;
}

export type Kernel = (batch: BatchInput) => Value;

/**
 * Turns a checked expression into a tree of closures over the vector kernels. Parts that use no
 * column are evaluated once here with `fold` (the scalar evaluator), so kernels see constants.
 */
export function compileVector(root: Expr, types: Map<Expr, ExprType>, fold: (e: Expr) => Scalar): Kernel {
  const usesColumns = new Map<Expr, boolean>();
  const hasColumn = (e: Expr): boolean => {
    let v = usesColumns.get(e);
    if (v === undefined) usesColumns.set(e, (v = e.kind === 'column' || childrenOf(e).some(hasColumn)));
    return v;
  };

  /** The operand of a comparison; a string compared with a date/time becomes milliseconds now. */
  const operand = (e: Expr, other: Expr): Kernel => {
    if (types.get(e) !== 'string' || types.get(other) !== 'temporal') return compile(e);
    if (hasColumn(e)) throw internalError('a date/time compared with a string column passed the checker');
    const text = fold(e);
    const ms = text === null ? null : parseTime(String(text));
    if (text !== null && ms === null) {
      throw new ExprError([{ message: `'${text}' is not an ISO date or date-time`, start: e.start, end: e.end, hint: "write '2024-01-31' or '2024-01-31T08:30:00Z'" }]);
    }
    const c = constOf(ms);
    return () => c;
  };

  const compile = (e: Expr): Kernel => {
    if (!hasColumn(e)) {
      const c = constOf(fold(e));
      return () => c;
    }
    switch (e.kind) {
      case 'column':
        return (b) => b.read(e.name);
      case 'unary': {
        const inner = compile(e.operand);
        return e.op === 'not' ? (b) => not(inner(b), b.n) : (b) => negate(inner(b), b.n);
      }
      case 'isNull': {
        const inner = compile(e.operand);
        return (b) => isNull(inner(b), e.negated, b.n);
      }
      case 'in': {
        const left = compile(e.operand);
        const items = e.items.map((item) => operand(item, e.operand));
        return (b) => inList(left(b), items.map((k) => k(b)), e.negated, b.n);
      }
      case 'call': {
        const args = e.args.map(compile);
        const resultType = types.get(e) ?? 'unknown';
        return (b) => callFunction(e.name, args.map((k) => k(b)), resultType, b.n);
      }
      case 'binary': {
        const op = e.op;
        if (op === 'and' || op === 'or') {
          const [l, r] = [compile(e.left), compile(e.right)];
          return (b) => andOr(op, l(b), r(b), b.n);
        }
        if (isComparisonOp(op)) {
          const [l, r] = [operand(e.left, e.right), operand(e.right, e.left)];
          return (b) => compareValues(op, l(b), r(b), b.n);
        }
        if (isArithmeticOp(op)) {
          const [l, r] = [compile(e.left), compile(e.right)];
          return (b) => arithmetic(op, l(b), r(b), b.n);
        }
        throw internalError(`unknown operator ${String(op)}`);
      }
      case 'literal':
      case 'variable':
        throw internalError(`${e.kind} with a column inside`);
    }
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
