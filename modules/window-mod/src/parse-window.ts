import { parseExpression, suggestName, type Expr } from '@pypeline/expr';
import { findWindowFunction, FRAME_FORMS, WINDOW_FUNCTIONS, WINDOW_FORMS, type WindowFunctionSpec, type WindowName } from './window-functions.js';

/**
 * A frame bound as an offset from the current row: -Infinity unbounded preceding, -n n
 * preceding, 0 current row (with `range`: the row's first or last peer), n following,
 * Infinity unbounded following.
 */
export interface Frame {
  unit: 'rows' | 'range';
  start: number;
  end: number;
}

/** The SQL default frame: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (the whole partition when there is no order_by, every row being a peer). */
export const DEFAULT_FRAME: Frame = { unit: 'range', start: -Infinity, end: 0 };

/** One window function as written, parsed. */
export interface WindowCall {
  fn: WindowName;
  spec: WindowFunctionSpec;
  /** The expression argument (lag's expr, sum's expr); null for the rank functions and count(*). */
  arg: Expr | null;
  /** The argument as written, for messages. */
  argText: string;
  /** ntile's n, nth_value's n, lag's and lead's offset. */
  n?: number;
  /** lag's and lead's default, an expression over the current row. */
  fallback?: Expr;
  fallbackText?: string;
  frame: Frame;
}

/** Parses `lag(price, 1, 0)`, `count(*)`, `sum(amount) rows between 2 preceding and current row`, or says every problem with it. */
export function parseWindowCall(text: unknown): WindowCall | { problems: string[] } {
  if (typeof text !== 'string') return { problems: [`${JSON.stringify(text)} is not a window function: write it as text such as "row_number()"`] };
  // The frame has no parentheses: the call is everything up to the last ")".
  const close = text.lastIndexOf(')');
  const head = /^\s*([A-Za-z_]\w*)\s*\(/.exec(text);
  if (!head || close === -1) {
    const bare = findWindowFunction(text.trim());
    return { problems: [bare ? `"${text}" needs its parentheses: write ${bare.form}` : `"${text}" is not a window function such as row_number() or sum(amount); allowed: ${WINDOW_FORMS}`] };
  }
  const spec = findWindowFunction(head[1]);
  if (!spec) {
    const near = suggestName(head[1].toLowerCase(), WINDOW_FUNCTIONS.map((f) => f.name));
    return { problems: [`"${text}": unknown window function ${head[1]}${near ? ` (did you mean ${near}?)` : ''}; allowed: ${WINDOW_FORMS}`] };
  }
  const problems: string[] = [];
  const say = (why: string) => problems.push(`"${text}": ${why}`);
  const call = callOf(spec, text.slice(0, close + 1), say);
  const frame = parseFrame(text.slice(close + 1), say);
  if (frame && spec.kind !== 'value' && spec.kind !== 'aggregate') say(`${spec.name}() takes no frame (only first_value, last_value, nth_value and the aggregates do)`);
  if (problems.length > 0 || !call) return { problems };
  return { ...call, frame: frame ?? DEFAULT_FRAME };
}

function callOf(spec: WindowFunctionSpec, source: string, say: (why: string) => void): Omit<WindowCall, 'frame'> | undefined {
  if (spec.name === 'count' && /^\s*count\s*\(\s*\*\s*\)\s*$/i.test(source)) return { fn: 'count', spec, arg: null, argText: '*' };
  const { expr, errors } = parseExpression(source);
  if (!expr || expr.kind !== 'call') {
    say(`the call does not parse: ${errors.map((e) => e.message).join('; ') || 'it is not one function call'}; write ${spec.form}`);
    return undefined;
  }
  const args = expr.args;
  const [least, most] = spec.args;
  if (args.length < least || args.length > most) {
    say(`${spec.name} takes ${least === most ? least : `${least} to ${most}`} argument${most === 1 ? '' : 's'}, not ${args.length}; write ${spec.form}`);
    return undefined;
  }
  const textOf = (e: Expr) => source.slice(e.start, e.end);
  const count = (e: Expr, what: string, min: number): number | undefined => {
    if (e.kind === 'literal' && typeof e.value === 'bigint' && e.value >= BigInt(min) && e.value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(e.value);
    say(`${what} of ${spec.name} must be a whole number ${min > 0 ? `from ${min}` : 'from 0'}, not ${textOf(e)}; write ${spec.form}`);
    return undefined;
  };
  if (spec.name === 'ntile') {
    const n = count(args[0], 'the bucket count n', 1);
    return n === undefined ? undefined : { fn: spec.name, spec, arg: null, argText: '', n };
  }
  const base = { fn: spec.name, spec, arg: args[0] ?? null, argText: args[0] ? textOf(args[0]) : '' };
  if (spec.name === 'nth_value') {
    const n = count(args[1], 'n', 1);
    return n === undefined ? undefined : { ...base, n };
  }
  if (spec.kind === 'offset') {
    const n = args[1] ? count(args[1], 'the offset', 0) : 1;
    if (n === undefined) return undefined;
    return { ...base, n, ...(args[2] ? { fallback: args[2], fallbackText: textOf(args[2]) } : {}) };
  }
  return base;
}

const BOUND = /^(?:(unbounded)\s+(preceding|following)|(\d+)\s+(preceding|following)|current\s+row)$/;

/** The frame clause after the call, or undefined when there is none (or it is wrong: then `say` was told). */
function parseFrame(source: string, say: (why: string) => void): Frame | undefined {
  const words = source.trim().toLowerCase().replace(/\s+/g, ' ');
  if (words === '') return undefined;
  const m = /^(rows|range) (?:between (.+) and (.+)|(.+))$/.exec(words);
  if (!m) {
    say(`"${source.trim()}" is not a frame; a frame is ${FRAME_FORMS}`);
    return undefined;
  }
  const unit = m[1] as 'rows' | 'range';
  const start = bound(m[2] ?? m[4], unit, say);
  const end = m[4] ? 0 : bound(m[3], unit, say);
  if (start === undefined || end === undefined) return undefined;
  const why =
    start === Infinity ? 'a frame cannot start at unbounded following'
    : end === -Infinity ? 'a frame cannot end at unbounded preceding'
    : start === 0 && end < 0 ? 'a frame starting at the current row cannot end before it'
    : start > 0 && end <= 0 ? 'a frame starting after the current row cannot end at or before it'
    : undefined;
  if (why) {
    say(`${why} (${words}); a frame is ${FRAME_FORMS}`);
    return undefined;
  }
  return { unit, start, end };
}

function bound(text: string, unit: 'rows' | 'range', say: (why: string) => void): number | undefined {
  const m = BOUND.exec(text.trim());
  if (!m) {
    say(`"${text.trim()}" is not a frame bound; a bound is unbounded preceding, n preceding, current row, n following or unbounded following`);
    return undefined;
  }
  if (m[1]) return m[2] === 'preceding' ? -Infinity : Infinity;
  if (!m[3]) return 0;
  if (unit === 'range') {
    say(`range frames take no offset ("${text.trim()}": window_mod compares peers, not values); write rows between ${text.trim()} and …, or range between unbounded preceding and current row`);
    return undefined;
  }
  return m[4] === 'preceding' ? -Number(m[3]) : Number(m[3]);
}
