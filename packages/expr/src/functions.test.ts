import { describe, expect, it } from 'vitest';
import { FUNCTIONS, codepointLength, findFunction, roundHalfAway } from './functions.js';

describe('functions', () => {
  it('rounds halves away from zero', () => {
    expect([2.5, -2.5, 0.5, -0.5, 2.4].map((x) => roundHalfAway(x, 0))).toEqual([3, -3, 1, -1, 2]);
    expect(roundHalfAway(1.005, 2)).toBe(1.01);
    expect(roundHalfAway(1234.5, -2)).toBe(1200);
  });

  it('counts characters as code points', () => {
    expect(codepointLength('Zoë😀')).toBe(4);
    expect(codepointLength('')).toBe(0);
  });

  it('finds functions case-insensitively and only from the whitelist', () => {
    expect(findFunction('LOWER')?.name).toBe('lower');
    expect(findFunction('eval')).toBeUndefined();
    expect(FUNCTIONS.map((f) => f.name)).toEqual(['lower', 'upper', 'length', 'abs', 'round', 'coalesce', 'starts_with', 'ends_with', 'contains']);
  });
});
