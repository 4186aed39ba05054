import { describe, expect, it } from 'vitest';
import { editDistance, suggestName } from './suggest-name.js';

describe('suggestName', () => {
  it('finds plausible typos', () => {
    expect(suggestName('nme', ['age', 'name', 'amount'])).toBe('name');
    expect(suggestName('amuont', ['age', 'name', 'amount'])).toBe('amount');
    expect(suggestName('Age', ['age', 'name'])).toBe('age');
  });

  it('stays quiet when nothing is close', () => {
    expect(suggestName('zzzzzz', ['age', 'name'])).toBeNull();
    expect(suggestName('x', [])).toBeNull();
  });

  it('computes edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
