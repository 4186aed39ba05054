import type { Span } from './ast.js';
import type { ExprDiagnostic } from './diagnostic.js';
import type { ExprType } from './expr-type.js';
import type { Scalar } from './scalar-ops.js';

export interface ResolvedVariable {
  value: Scalar;
  type: ExprType;
}

/**
 * Reads one variable and turns its JS value into an expression value: bigint becomes a number
 * (exact up to 2^53), a Date becomes a date/time. `undefined` means the variable does not exist;
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
      return { value: raw, type: 'number' };
    case 'bigint':
      return { value: Number(raw), type: 'number' };
    case 'string':
      return { value: raw, type: 'string' };
    case 'boolean':
      return { value: raw, type: 'boolean' };
  }
  if (raw instanceof Date && !Number.isNaN(raw.getTime())) return { value: raw.getTime(), type: 'temporal' };
  const what = raw instanceof Date ? 'an invalid Date' : Array.isArray(raw) ? 'an array' : typeof raw === 'object' ? 'an object' : `a ${typeof raw}`;
  return {
    message: `variable ${shown} holds ${what}, which expressions cannot use`,
    start: at.start,
    end: at.end,
    hint: 'expressions use numbers, strings, booleans, dates and null',
  };
}
