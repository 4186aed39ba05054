import { describe, expect, it } from 'vitest';
import { rowsPerStatement, valuesTuples } from './statement-rows.js';

describe('rowsPerStatement and valuesTuples', () => {
  it('caps the rows of one statement by the parameter limit', () => {
    expect(rowsPerStatement(1000, 10, 65_535)).toBe(1000);
    expect(rowsPerStatement(10_000, 10, 65_535)).toBe(6553);
    expect(rowsPerStatement(5, 100_000, 65_535)).toBe(1);
  });

  it('writes placeholder tuples in row order', () => {
    expect(valuesTuples(2, 3, (n) => `$${n + 1}`)).toBe('($1, $2, $3), ($4, $5, $6)');
    expect(valuesTuples(1, 2, () => '?')).toBe('(?, ?)');
  });
});
