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
    expect(findFunction('substring')?.name).toBe('substr');
    expect(findFunction('power')?.name).toBe('pow');
    const required = ['concat', 'concat_ws', 'substr', 'left', 'right', 'trim', 'ltrim', 'rtrim', 'replace', 'split_part', 'lpad', 'rpad', 'starts_with',
      'ends_with', 'contains', 'strpos', 'position', 'reverse', 'repeat', 'lower', 'upper', 'length', 'regexp_matches', 'regexp_replace', 'regexp_extract',
      'abs', 'round', 'floor', 'ceil', 'trunc', 'sqrt', 'pow', 'power', 'exp', 'ln', 'log10', 'log2', 'sign', 'mod', 'greatest', 'least', 'coalesce',
      'nullif', 'ifnull', 'now', 'current_date', 'year', 'month', 'day', 'hour', 'minute', 'second', 'dayofweek', 'dayofyear', 'quarter', 'week', 'epoch',
      'epoch_ms', 'date_part', 'date_trunc', 'date_add', 'date_sub', 'date_diff', 'strftime', 'strptime', 'make_date', 'make_timestamp', 'to_timestamp'];
    expect(required.filter((name) => !findFunction(name))).toEqual([]);
    expect(new Set(FUNCTIONS.map((f) => f.name)).size).toBe(FUNCTIONS.length);
  });
});
