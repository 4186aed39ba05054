import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './format-diagnostic.js';
import { parseExpression } from './parse.js';

describe('formatDiagnostic', () => {
  it('puts carets under the span', () => {
    const source = 'nme == 1';
    expect(formatDiagnostic(source, { message: 'unknown column `nme`', start: 0, end: 3, hint: 'did you mean `name`?' })).toBe(
      'unknown column `nme` (did you mean `name`?)\n  nme == 1\n  ^^^',
    );
  });

  it('shows one caret past the end for a missing value', () => {
    const source = 'age >';
    const [d] = parseExpression(source).errors;
    expect(formatDiagnostic(source, d)).toBe(`${d.message} (${d.hint})\n  age >\n       ^`);
  });

  it('shows only the line holding the span', () => {
    const source = 'a > 1\nand )';
    const [d] = parseExpression(source).errors;
    expect(formatDiagnostic(source, d).split('\n').slice(1)).toEqual(['  and )', '      ^']);
  });

  it('keeps tabs so the carets line up', () => {
    expect(formatDiagnostic('\tx', { message: 'm', start: 1, end: 2 })).toBe('m\n  \tx\n  \t^');
  });
});
