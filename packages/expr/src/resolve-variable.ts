import type { Span } from './ast.js';
import type { ExprDiagnostic } from './diagnostic.js';
import type { ExprType } from './expr-type.js';
import { INT64_MAX, INT64_MIN } from './scalar/values.js';
import type { Scalar } from './scalar/values.js';

export interface ResolvedVariable {
  value: Scalar;
  type: ExprType;
}

/**
 * Reads one variable and turns its JS value into an expression value: a whole number or a bigint
 * is an integer (so `{{iter.index}}` stays an integer), other numbers are floats, a Date is a
 * timestamp. `undefined` means the variable does not exist;
 * `null` is a real null value.
 */
export function resolveVariable(name: string, vars: ((name: string) => unknown) | undefined, at: Span, shown: string): ResolvedVariable | ExprDiagnostic {
  if (!vars) {
    return { message: `${shown} is used but no variables were given`, start: at.start, end: at.end, hint: 'pass a variable lookup when compiling the condition' };
  }
  const raw = vars(name);
  if (raw === undefined) {
    return { message: `unknown variable ${shown}`, start: at.start, end: at.end, hint: 'check the spelling, and that the module producing it runs before this one' };
  }
  if (raw === null) return { value: null, type: 'null' };
  switch (typeof raw) {
    case 'number':
      return Number.isSafeInteger(raw) ? { value: BigInt(raw), type: 'integer' } : { value: raw, type: 'float' };
    case 'bigint':
      if (raw > INT64_MAX || raw < INT64_MIN) return { message: `variable ${shown} holds ${raw}, which does not fit in 64 bits`, start: at.start, end: at.end, hint: 'pass it as a string or a float' };
      return { value: raw, type: 'integer' };
    case 'string':
      return { value: raw, type: 'string' };
    case 'boolean':
      return { value: raw, type: 'boolean' };
  }
  if (raw instanceof Date && !Number.isNaN(raw.getTime())) return { value: raw.getTime() * 1000, type: 'timestamp' };
  const what = raw instanceof Date ? 'an invalid Date' : Array.isArray(raw) ? 'an array' : typeof raw === 'object' ? 'an object' : `a ${typeof raw}`;
  return {
    message: `variable ${shown} holds ${what}, which expressions cannot use`,
    start: at.start,
    end: at.end,
    hint: 'expressions use numbers, strings, booleans, dates and null',
  };
}
