import {
  isArithmeticOp, isComparisonOp, type BinaryExpr, type CallExpr, type CaseExpr, type CastExpr, type ColumnExpr, type Expr, type VariableExpr,
} from './ast.js';
import type { ExprDiagnostic } from './diagnostic.js';
import { describeType, isDecimal, isNumeric, isOpen, isTemporal, sqlName, type ExprType } from './expr-type.js';
import { findFunction, functionNames, type Param } from './functions.js';
import { castScalar } from './scalar/cast.js';
import { EvalError } from './scalar/eval-error.js';
import { INT64_MAX, INT64_MIN, type Scalar } from './scalar/values.js';
import { suggestName } from './suggest-name.js';
import { arithmeticTyping, commonType, implicitlyCasts, type ArithmeticTyping } from './type-rules.js';

/** Where names get their types: a schema for filters, variable values for valves. */
export interface TypeEnv {
  column(expr: ColumnExpr): ExprType | ExprDiagnostic;
  variable(expr: VariableExpr): ExprType | ExprDiagnostic;
  /** True in valve conditions, where bare names are variables and so known before evaluation. */
  columnsAreConstant: boolean;
}

export interface TypedExpr {
  types: Map<Expr, ExprType>;
  /** Implicit casts: a node listed here is converted to that type before its parent uses it. */
  casts: Map<Expr, ExprType>;
  /** How each arithmetic node computes (operand and result types). */
  arithmetic: Map<Expr, ArithmeticTyping>;
  diagnostics: ExprDiagnostic[];
}

/**
 * Walks the tree once, giving each node a type and collecting every mismatch. A node that failed
 * gets `unknown` so one mistake is reported once, not again by each enclosing operator.
 */
export function inferTypes(root: Expr, env: TypeEnv): TypedExpr {
  const types = new Map<Expr, ExprType>();
  const casts = new Map<Expr, ExprType>();
  const arithmetic = new Map<Expr, ArithmeticTyping>();
  const diagnostics: ExprDiagnostic[] = [];
  const reported = new Set<string>();
  const report = (at: { start: number; end: number }, message: string, hint?: string): ExprType => {
    // A name used twice resolves to the same diagnostic; say it once.
    const key = `${at.start}:${message}`;
    if (!reported.has(key)) diagnostics.push({ message, start: at.start, end: at.end, ...(hint ? { hint } : {}) });
    reported.add(key);
    return 'unknown';
  };
  const castTo = (e: Expr, to: ExprType) => {
    const t = types.get(e);
    if (t !== to && to !== 'unknown' && t !== 'unknown') casts.set(e, to);
  };

  const expect = (e: Expr, wanted: ExprType, what: string, hint?: string): ExprType => {
    const t = visit(e);
    const fallback = wanted === 'boolean' ? 'compare it with something (e.g. `x > 0`) or test it with `is null`' : `cast it, e.g. cast(x AS ${sqlName(wanted).toLowerCase()})`;
    if (t !== wanted && !isOpen(t)) report(e, `${what} needs ${describeType(wanted)}, got ${describeType(t)}`, hint ?? fallback);
    return t;
  };

  /** A string literal that meets a date/time must be readable as one: say so now, not per row. */
  const checkTextLiteral = (e: Expr, to: ExprType): boolean => {
    if (e.kind !== 'literal' || typeof e.value !== 'string') return true;
    try {
      castScalar(e.value, 'string', to);
      return true;
    } catch (err) {
      if (!(err instanceof EvalError)) throw err;
      report(e, `'${e.value}' is not ${to === 'interval' ? 'an interval' : 'an ISO date or date-time'}`, to === 'date' ? "write '2024-01-31'" : to === 'interval' ? "write '3 days' or '1 month'" : "write '2024-01-31' or '2024-01-31T08:30:00Z'");
      return false;
    }
  };

  /** Unifies values that meet (comparison sides, IN items, CASE branches); records the casts. */
  const unify = (at: Expr, items: Expr[], what: 'compare' | 'branches'): ExprType => {
    let t: ExprType = 'null';
    for (const item of items) {
      const it = types.get(item)!;
      const next = commonType(t, it);
      if (next === null) {
        const concat = items.some((i) => i.kind === 'binary' && i.op === '||');
        if (what === 'compare') return report(at, `cannot compare ${describeType(t)} with ${describeType(it)}`, concat ? '`||` joins strings (it is no longer `or`): write `or` between conditions' : mismatchHint(t, it));
        return report(item, `the values of CASE must have one type, got ${describeType(t)} and ${describeType(it)}`, 'cast one of them, e.g. cast(x AS varchar)');
      }
      t = next;
    }
    let ok = true;
    for (const item of items) {
      if (types.get(item) === 'string' && (isTemporal(t) || t === 'interval')) ok = checkTextLiteral(item, t) && ok;
      castTo(item, t);
    }
    return ok ? t : 'unknown';
  };

  const visitCall = (e: CallExpr): ExprType => {
    const spec = findFunction(e.name);
    const argTypes = e.args.map(visit);
    if (!spec) {
      const near = suggestName(e.name, functionNames());
      const hint = near ? `did you mean \`${near}()\`? See docs/functions.md for every function` : 'see docs/functions.md for every function';
      const aggregate = ['sum', 'avg', 'min', 'max', 'count', 'median', 'first', 'last', 'stddev', 'mode'].includes(e.name);
      return report(e.nameSpan, `unknown function \`${e.name}()\``, aggregate ? `\`${e.name}()\` is an aggregate: use the aggregate step, not an expression` : hint);
    }
    if (e.args.length < spec.minArgs || e.args.length > spec.maxArgs) {
      const count = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : spec.maxArgs === Infinity ? `at least ${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
      return report(e, `\`${e.name}()\` takes ${count} argument${count === '1' ? '' : 's'}, got ${e.args.length}`, `write ${spec.signature}`);
    }
    let ok = true;
    const literals: (Scalar | undefined)[] = e.args.map((a) => (a.kind === 'literal' ? (a.value as Scalar) : undefined));
    e.args.forEach((arg, i) => {
      const want = spec.params[Math.min(i, spec.params.length - 1)];
      const got = argTypes[i];
      const problem = paramProblem(want, got, arg);
      if (problem) {
        ok = false;
        report(arg, `argument ${i + 1} of \`${e.name}()\` must be ${problem}, got ${describeType(got)}`, `write ${spec.signature}`);
        return;
      }
      const target = paramCast(want, got);
      if (target) castTo(arg, target);
      if (want === 'interval' && got === 'string') ok = checkTextLiteral(arg, 'interval') && ok;
      const literal = literals[i];
      if (literal !== undefined && literal !== null && spec.checkLiteral) {
        const bad = spec.checkLiteral(i, literal);
        if (bad) {
          ok = false;
          report(arg, bad.message, bad.hint);
        }
      }
    });
    if (!ok) return 'unknown';
    const result = spec.result(argTypes, literals);
    if (result !== 'null' && !isTypeName(result)) return report(e, result, `write ${spec.signature}`);
    if (spec.unifyArgs) e.args.forEach((a) => castTo(a, result));
    return result;
  };

  const visitBinary = (e: BinaryExpr): ExprType => {
    if (e.op === 'and' || e.op === 'or') {
      expect(e.left, 'boolean', `'${e.op}'`);
      expect(e.right, 'boolean', `'${e.op}'`);
      return 'boolean';
    }
    const a = visit(e.left);
    const b = visit(e.right);
    if (a === 'unknown' && b === 'unknown') return 'unknown';
    if (isComparisonOp(e.op)) {
      if (isOpen(a) && isOpen(b)) return 'boolean';
      return unify(e, [e.left, e.right], 'compare') === 'unknown' ? 'unknown' : 'boolean';
    }
    if (e.op === '||') {
      // Both sides true/false is the old `or`; one boolean beside text is concatenation, as in DuckDB.
      if ((a === 'boolean' || isOpen(a)) && (b === 'boolean' || isOpen(b)) && (a === 'boolean' || b === 'boolean')) {
        return report(e, '`||` joins strings; it is no longer `or`', "write `a or b` for true/false values (`||` is SQL's string concatenation)");
      }
      return 'string';
    }
    if (isArithmeticOp(e.op)) {
      if (a === 'unknown' || b === 'unknown') return 'unknown';
      const typing = arithmeticTyping(e.op, a, b);
      if (typeof typing === 'string') {
        const msg = typing === 'mismatch' ? `'${e.op}' cannot combine ${describeType(a)} and ${describeType(b)}` : typing;
        return report(e, msg, arithmeticHint(e.op, a, b));
      }
      castTo(e.left, typing.left);
      castTo(e.right, typing.right);
      arithmetic.set(e, typing);
      return typing.result;
    }
    return 'unknown';
  };

  const visitCase = (e: CaseExpr): ExprType => {
    for (const w of e.whens) expect(w.when, 'boolean', 'a WHEN condition', 'compare something, e.g. WHEN x > 0');
    const values = [...e.whens.map((w) => w.then), ...(e.otherwise ? [e.otherwise] : [])];
    values.forEach(visit);
    return unify(e, values, 'branches');
  };

  const visitCast = (e: CastExpr): ExprType => {
    const from = visit(e.operand);
    if (isOpen(from) || from === e.to) return e.to;
    if (!castable(from, e.to)) {
      return report(e, `cannot cast ${describeType(from)} to ${sqlName(e.to)}`, castHint(from, e.to));
    }
    if (!e.tryCast && e.operand.kind === 'literal' && e.operand.value !== null) {
      try {
        castScalar(literalScalar(e.operand.value), from, e.to);
      } catch (err) {
        if (!(err instanceof EvalError)) throw err;
        return report(e, err.message, err.hint ?? 'use try_cast() to get null instead of an error');
      }
    }
    return e.to;
  };

  const visitNode = (e: Expr): ExprType => {
    switch (e.kind) {
      case 'literal':
        if (e.value === null) return 'null';
        if (typeof e.value === 'bigint') {
          if (e.value > INT64_MAX || e.value < INT64_MIN) return report(e, `the integer ${e.value} does not fit in 64 bits`, 'write it as a float (1e20) or cast a string to decimal');
          return 'integer';
        }
        return typeof e.value === 'number' ? 'float' : typeof e.value === 'string' ? 'string' : 'boolean';
      case 'column': {
        const t = env.column(e);
        return typeof t === 'string' ? t : report(t, t.message, t.hint);
      }
      case 'variable': {
        const t = env.variable(e);
        return typeof t === 'string' ? t : report(t, t.message, t.hint);
      }
      case 'unary': {
        if (e.op === 'not') {
          expect(e.operand, 'boolean', "'not'");
          return 'boolean';
        }
        const t = visit(e.operand);
        if (isOpen(t)) return t === 'null' ? 'null' : 'unknown';
        if (!isNumeric(t) && t !== 'interval') return report(e.operand, `'-' needs a number, got ${describeType(t)}`, 'negate numbers and intervals only');
        return t;
      }
      case 'isNull':
        visit(e.operand);
        return 'boolean';
      case 'in': {
        [e.operand, ...e.items].forEach(visit);
        unify(e, [e.operand, ...e.items], 'compare');
        return 'boolean';
      }
      case 'like': {
        expect(e.operand, 'string', e.caseInsensitive ? "'ilike'" : "'like'", 'cast it first, e.g. cast(x AS varchar) like \'1%\'');
        expect(e.pattern, 'string', `the pattern of ${e.caseInsensitive ? "'ilike'" : "'like'"}`);
        if (e.escape) {
          expect(e.escape, 'string', "'escape'");
          if (e.escape.kind === 'literal' && typeof e.escape.value === 'string' && [...e.escape.value].length !== 1) {
            report(e.escape, 'the escape of LIKE must be one character', "write e.g. like 'a!%%' escape '!'");
          }
        }
        return 'boolean';
      }
      case 'cast':
        return visitCast(e);
      case 'case':
        return visitCase(e);
      case 'call':
        return visitCall(e);
      case 'binary':
        return visitBinary(e);
    }
  };
  const visit = (e: Expr): ExprType => {
    const t = visitNode(e);
    types.set(e, t);
    return t;
  };

  visit(root);
  return { types, casts, arithmetic, diagnostics };
}

const isTypeName = (t: string): t is ExprType =>
  ['integer', 'float', 'string', 'boolean', 'date', 'timestamp', 'interval', 'null', 'unknown'].includes(t) || isDecimal(t as ExprType);

function literalScalar(v: number | bigint | string | boolean): Scalar {
  return v;
}

/** Why an argument of type `got` does not fit a parameter, as "a string", or null when it does. */
function paramProblem(want: Param, got: ExprType, arg: Expr): string | null {
  if (isOpen(got) || want === 'any') return null;
  switch (want) {
    case 'numeric': return isNumeric(got) ? null : 'a number';
    case 'float': return isNumeric(got) ? null : 'a number';
    case 'integer': return got === 'integer' ? null : 'an integer';
    case 'temporal': return isTemporal(got) ? null : 'a date or timestamp';
    case 'timestamp': return isTemporal(got) ? null : 'a timestamp';
    case 'date': return got === 'date' ? null : 'a date';
    case 'interval': return got === 'interval' || (got === 'string' && arg.kind === 'literal') ? null : "an interval such as interval '1 day'";
    case 'string': return got === 'string' ? null : 'a string';
    case 'boolean': return got === 'boolean' ? null : 'true/false';
  }
}

function paramCast(want: Param, got: ExprType): ExprType | null {
  if (want === 'float' && got !== 'float') return 'float';
  if (want === 'timestamp' && got === 'date') return 'timestamp';
  if (want === 'interval' && got === 'string') return 'interval';
  return null;
}

/** Casts that can work for some values; the others are refused when checking. */
export function castable(from: ExprType, to: ExprType): boolean {
  if (from === to || isOpen(from) || to === 'string' || from === 'string') return true;
  if (implicitlyCasts(from, to)) return true;
  if (isNumeric(from) && (isNumeric(to) || to === 'boolean')) return true;
  if (from === 'boolean' && (to === 'integer' || to === 'float')) return true;
  if (isTemporal(from) && isTemporal(to)) return true;
  return false;
}

function castHint(from: ExprType, to: ExprType): string {
  if (isTemporal(from) && isNumeric(to)) return 'use epoch(t) or epoch_ms(t) for a number, or date_part(...)';
  if (isNumeric(from) && isTemporal(to)) return 'use to_timestamp(seconds) or make_date(y, m, d)';
  return 'cast through varchar, or pick a function from docs/functions.md';
}

function arithmeticHint(op: string, a: ExprType, b: ExprType): string {
  if (a === 'string' || b === 'string') {
    if (op === '+') return "join strings with || or concat(), e.g. first || ' ' || last";
    return 'cast the string first, e.g. cast(x AS double)';
  }
  if (isTemporal(a) || isTemporal(b)) return "add or subtract an interval (t + interval '3 days'), an integer number of days to a date, or use date_diff('day', a, b)";
  if (op === '//') return 'write floor(a / b) for floats';
  return 'arithmetic takes numbers, a date with an integer or an interval, or a timestamp with an interval';
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
  const pair = [a, b].map((t) => (isNumeric(t) ? 'number' : t)).sort().join('/');
  if (pair === 'number/string') return "strings and numbers never compare equal; quote both sides ('18') or neither (18), or cast(x AS bigint)";
  if (pair === 'boolean/string') return 'write true or false without quotes';
  return 'both sides of a comparison must have the same type';
}

