import { describe, expect, it } from 'vitest';
import { parseExpression } from './parse.js';
import { columnsOf, variablesOf } from './references.js';

const expr = (s: string) => parseExpression(s).expr!;

describe('columnsOf / variablesOf', () => {
  it('lists distinct names in order of first use', () => {
    const e = expr("b > {{x}} and lower(`a b`) in ('q', b) or coalesce(c, {{ y }}, {{x}}) is null");
    expect(columnsOf(e)).toEqual(['b', 'a b', 'c']);
    expect(variablesOf(e)).toEqual(['x', 'y']);
  });

  it('returns nothing for constants', () => {
    expect(columnsOf(expr('1 + 2 > 0'))).toEqual([]);
    expect(variablesOf(expr('1 + 2 > 0'))).toEqual([]);
  });
});
