import { describe, expect, it } from 'vitest';
import { NOT_A_VALUE, parseAs } from './column-kinds.js';
import { inferColumnKind } from './infer-column-kind.js';

describe('inferColumnKind', () => {
  it.each([
    [['1', '-2', '+3'], 'int32'],
    [['1', '2147483648'], 'int64'],
    [['1', '9223372036854775808'], 'float64'],
    [['1', '2.5', '1e3', '.5'], 'float64'],
    [['true', 'FALSE', 'True'], 'boolean'],
    [['2024-02-29', '1969-12-31'], 'date'],
    [['2023-02-29'], 'utf8'],
    [['1', 'x'], 'utf8'],
    [['', ''], 'utf8'],
    [['', '7', ''], 'int32'],
    [[' 1'], 'utf8'],
  ])('%j -> %s', (values, kind) => {
    expect(inferColumnKind(values)).toBe(kind);
  });
});

describe('parseAs', () => {
  it('parses each kind into what the Arrow builder takes', () => {
    expect(parseAs('int32', '-2147483648')).toBe(-2147483648);
    expect(parseAs('int32', '2147483648')).toBe(NOT_A_VALUE);
    expect(parseAs('int64', '-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parseAs('float64', '-1.5e-3')).toBe(-0.0015);
    expect(parseAs('date', '1970-01-02')).toBe(86_400_000);
    expect(parseAs('date', '2024-13-01')).toBe(NOT_A_VALUE);
    expect(parseAs('boolean', 'yes')).toBe(NOT_A_VALUE);
  });
});
