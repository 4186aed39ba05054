import type { ExprType } from '../expr-type.js';
import { internalError } from '../diagnostic.js';
import { coalesce } from './coalesce.js';
import { absolute, round } from './number-functions.js';
import { changeCase, lengthOf, matchStrings } from './string-functions.js';
import { NULL_CONST, type Value } from './values.js';

/**
 * The vector kernels of the whitelisted functions (see FUNCTIONS in ../functions.ts). Calls whose
 * arguments are all constant never get here: the compiler folds them with the scalar versions.
 */
export function callFunction(name: string, args: Value[], resultType: ExprType, n: number): Value {
  if (name === 'coalesce') return coalesce(args, resultType, n);
  // Every other function is null when any argument is null.
  if (args.some((a) => a.kind === 'const' && a.value === null)) return NULL_CONST;
  const [a, b] = args;
  switch (name) {
    case 'lower':
    case 'upper':
      if (a.kind !== 'str') break;
      return changeCase(a, name === 'upper', n);
    case 'length':
      if (a.kind !== 'str') break;
      return lengthOf(a, n);
    case 'abs':
      return absolute(a, n);
    case 'round':
      return round(a, b?.kind === 'const' ? Number(b.value) : 0, n);
    case 'starts_with':
    case 'ends_with':
    case 'contains':
      return matchStrings(name, a, b, n);
  }
  throw internalError(`no vector kernel for ${name}() with ${args.map((x) => x.kind).join(', ')}`);
}
