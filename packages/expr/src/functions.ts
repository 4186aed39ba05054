import type { ExprType } from './expr-type.js';

/**
 * The whitelist: the only functions an expression may call. Each has a scalar implementation here
 * (valve conditions, constant folding) and a vector kernel in `vector/call-function.ts`; the two
 * are tested against each other.
 */
export interface FunctionSpec {
  name: string;
  /** As shown to users, e.g. `round(x[, digits])`. */
  signature: string;
  minArgs: number;
  maxArgs: number;
  /** Expected type of each argument; `any` for coalesce, whose arguments must agree with each other. */
  params: (ExprType | 'any')[];
  result: (args: ExprType[]) => ExprType;
  /** Called with non-null arguments only, except for coalesce which handles nulls itself. */
  scalar: (args: ScalarArg[]) => ScalarArg;
}

export type ScalarArg = number | string | boolean | null;

const str = (v: ScalarArg) => v as string;
const num = (v: ScalarArg) => v as number;

export const FUNCTIONS: readonly FunctionSpec[] = [
  fn('lower(s)', ['string'], 'string', ([s]) => str(s).toLowerCase()),
  fn('upper(s)', ['string'], 'string', ([s]) => str(s).toUpperCase()),
  fn('length(s)', ['string'], 'number', ([s]) => codepointLength(str(s))),
  fn('abs(x)', ['number'], 'number', ([x]) => Math.abs(num(x))),
  {
    ...fn('round(x[, digits])', ['number', 'number'], 'number', ([x, d]) => roundHalfAway(num(x), d === undefined ? 0 : num(d))),
    minArgs: 1,
  },
  {
    name: 'coalesce',
    signature: 'coalesce(a, b, ...)',
    minArgs: 1,
    maxArgs: Infinity,
    params: ['any'],
    result: (args) => args.find((t) => t !== 'null' && t !== 'unknown') ?? args.find((t) => t === 'unknown') ?? 'null',
    scalar: (args) => args.find((v) => v !== null) ?? null,
  },
  fn('starts_with(s, prefix)', ['string', 'string'], 'boolean', ([s, p]) => str(s).startsWith(str(p))),
  fn('ends_with(s, suffix)', ['string', 'string'], 'boolean', ([s, p]) => str(s).endsWith(str(p))),
  fn('contains(s, sub)', ['string', 'string'], 'boolean', ([s, p]) => str(s).includes(str(p))),
];

const BY_NAME = new Map(FUNCTIONS.map((f) => [f.name, f]));

export function findFunction(name: string): FunctionSpec | undefined {
  return BY_NAME.get(name.toLowerCase());
}

function fn(signature: string, params: ExprType[], result: ExprType, scalar: FunctionSpec['scalar']): FunctionSpec {
  const name = signature.slice(0, signature.indexOf('('));
  return { name, signature, minArgs: params.length, maxArgs: params.length, params, result: () => result, scalar };
}

/** Characters as users count them (code points), which is also what the UTF-8 kernel counts. */
export function codepointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // The high half of a surrogate pair starts a character; the low half does not.
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** SQL rounding: halves go away from zero (JS Math.round sends -2.5 to -2). Digits may be negative. */
export function roundHalfAway(x: number, digits: number): number {
  const factor = 10 ** Math.trunc(digits);
  const scaled = Math.abs(x) * factor;
  // Nudge by a few ulps so 1.005 * 100 = 100.49999999999999 still rounds to 101.
  const rounded = Math.round(scaled * (1 + Number.EPSILON * 4)) / factor;
  return x < 0 ? -rounded : rounded;
}
