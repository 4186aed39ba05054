import { childrenOf, isArithmeticOp, isComparisonOp, type CallExpr, type ColumnExpr, type Expr, type VariableExpr } from './ast.js';
import type { ExprDiagnostic } from './diagnostic.js';
import { describeType, type ExprType } from './expr-type.js';
import { FUNCTIONS, findFunction } from './functions.js';
import { parseTime } from '@pypeline/sdk';
import { suggestName } from './suggest-name.js';

/** Where names get their types: a schema for filters, variable values for valves. */
export interface TypeEnv {
  column(expr: ColumnExpr): ExprType | ExprDiagnostic;
  variable(expr: VariableExpr): ExprType | ExprDiagnostic;
  /** True in valve conditions, where bare names are variables and so known before evaluation. */
  columnsAreConstant: boolean;
}

export interface TypedExpr {
  types: Map<Expr, ExprType>;
  diagnostics: ExprDiagnostic[];
}

/**
 * Walks the tree once, giving each node a type and collecting every mismatch. A node that failed
 * gets `unknown` so one mistake is reported once, not again by each enclosing operator.
 */
export function inferTypes(root: Expr, env: TypeEnv): TypedExpr {
  const types = new Map<Expr, ExprType>();
  const diagnostics: ExprDiagnostic[] = [];
  const reported = new Set<string>();
  const report = (at: { start: number; end: number }, message: string, hint?: string): ExprType => {
    // A name used twice resolves to the same diagnostic; say it once.
    const key = `${at.start}:${message}`;
    if (!reported.has(key)) diagnostics.push({ message, start: at.start, end: at.end, ...(hint ? { hint } : {}) });
    reported.add(key);
    return 'unknown';
  };
  const isConstant = (e: Expr): boolean => (e.kind === 'column' ? env.columnsAreConstant : childrenOf(e).every(isConstant));

  const expect = (e: Expr, wanted: ExprType, what: string): void => {
    const t = visit(e);
    if (t !== wanted && t !== 'null' && t !== 'unknown') report(e, `${what} needs ${describeType(wanted)}, got ${describeType(t)}`);
  };

  const comparable = (at: Expr, left: Expr, right: Expr, a: ExprType, b: ExprType): boolean => {
    if (a === b || a === 'null' || b === 'null' || a === 'unknown' || b === 'unknown') return true;
    if (a === 'temporal' && b === 'string') return isoConstant(right);
    if (a === 'string' && b === 'temporal') return isoConstant(left);
    report(at, `cannot compare ${describeType(a)} with ${describeType(b)}`, mismatchHint(a, b));
    return false;
  };
  const isoConstant = (e: Expr): boolean => {
    if (!isConstant(e)) {
      report(e, 'a date/time can only be compared with a constant string, not a string column', "write an ISO date such as '2024-01-31'");
      return false;
    }
    if (e.kind === 'literal' && parseTime(String(e.value)) === null) {
      report(e, `'${e.value}' is not an ISO date or date-time`, "write '2024-01-31' or '2024-01-31T08:30:00Z'");
      return false;
    }
    return true;
  };

  const visitCall = (e: CallExpr): ExprType => {
    const spec = findFunction(e.name);
    if (!spec) {
      const near = suggestName(e.name, FUNCTIONS.map((f) => f.name));
      const allowed = `allowed functions: ${FUNCTIONS.map((f) => f.signature).join(', ')}`;
      e.args.forEach(visit);
      return report(e.nameSpan, `unknown function \`${e.name}()\``, near ? `did you mean \`${near}()\`? ${allowed}` : allowed);
    }
    const argTypes = e.args.map(visit);
    if (e.args.length < spec.minArgs || e.args.length > spec.maxArgs) {
      const count = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : spec.maxArgs === Infinity ? `at least ${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
      return report(e, `\`${spec.name}()\` takes ${count} argument${count === '1' ? '' : 's'}, got ${e.args.length}`, `write ${spec.signature}`);
    }
    let ok = true;
    e.args.forEach((arg, i) => {
      const want = spec.params[Math.min(i, spec.params.length - 1)];
      const got = argTypes[i];
      if (want !== 'any' && got !== want && got !== 'null' && got !== 'unknown') {
        ok = false;
        report(arg, `argument ${i + 1} of \`${spec.name}()\` must be ${describeType(want)}, got ${describeType(got)}`, `write ${spec.signature}`);
      }
    });
    if (spec.name === 'round' && e.args[1] && !isConstant(e.args[1])) {
      ok = false;
      report(e.args[1], 'the digits of `round()` must be a constant', 'write e.g. round(price, 2)');
    }
    if (spec.name === 'coalesce') {
      const known = [...new Set(argTypes.filter((t) => t !== 'null' && t !== 'unknown'))];
      if (known.length > 1) {
        ok = false;
        report(e, `the arguments of \`coalesce()\` must all have one type, got ${known.map(describeType).join(' and ')}`);
      }
    }
    return ok ? spec.result(argTypes) : 'unknown';
  };

  const visitNode = (e: Expr): ExprType => {
    switch (e.kind) {
      case 'literal':
        return e.value === null ? 'null' : (typeof e.value as ExprType);
      case 'column': {
        const t = env.column(e);
        return typeof t === 'string' ? t : report(t, t.message, t.hint);
      }
      case 'variable': {
        const t = env.variable(e);
        return typeof t === 'string' ? t : report(t, t.message, t.hint);
      }
      case 'unary':
        expect(e.operand, e.op === 'not' ? 'boolean' : 'number', e.op === 'not' ? "'not'" : "'-'");
        return e.op === 'not' ? 'boolean' : 'number';
      case 'isNull':
        visit(e.operand);
        return 'boolean';
      case 'in': {
        const t = visit(e.operand);
        e.items.forEach((item) => comparable(item, e.operand, item, t, visit(item)));
        return 'boolean';
      }
      case 'call':
        return visitCall(e);
      case 'binary': {
        if (isComparisonOp(e.op)) {
          const ok = comparable(e, e.left, e.right, visit(e.left), visit(e.right));
          return ok ? 'boolean' : 'unknown';
        }
        const want = isArithmeticOp(e.op) ? 'number' : 'boolean';
        expect(e.left, want, `'${e.op}'`);
        expect(e.right, want, `'${e.op}'`);
        return want;
      }
    }
  };
  const visit = (e: Expr): ExprType => {
    const t = visitNode(e);
    types.set(e, t);
    return t;
  };

  visit(root);
  return { types, diagnostics };
}

/** Suggests a close column name, or lists the columns when there are few. */
export function unknownNameDiagnostic(kind: 'column' | 'variable', expr: ColumnExpr | VariableExpr, known: readonly string[]): ExprDiagnostic {
  const near = suggestName(expr.name, known);
  const shown = kind === 'column' ? `\`${expr.name}\`` : `{{${expr.name}}}`;
  const list = known.length === 0 ? `there are no ${kind}s` : known.length <= 12 ? `${kind}s: ${known.join(', ')}` : `${known.length} ${kind}s exist`;
  const hint = near ? `did you mean ${kind === 'column' ? `\`${near}\`` : `{{${near}}}`}? ${list}` : list;
  return { message: `unknown ${kind} ${shown}`, start: expr.start, end: expr.end, hint };
}

function mismatchHint(a: ExprType, b: ExprType): string {
  const pair = [a, b].sort().join('/');
  if (pair === 'number/string') return "strings and numbers never compare equal; quote both sides ('18') or neither (18)";
  if (pair === 'boolean/string') return 'write true or false without quotes';
  return 'both sides of a comparison must have the same type';
}
